CREATE TYPE "public"."product_type" AS ENUM('SIMPLE', 'SET');--> statement-breakpoint
CREATE TYPE "public"."store_type" AS ENUM('WEB', 'TRENDYOL', 'HEPSIBURADA', 'N11', 'PAZARAMA', 'PTTAVM', 'SANDBOX');--> statement-breakpoint
CREATE TYPE "public"."movement_kind" AS ENUM('RECEIPT', 'ADJUSTMENT', 'RESERVE', 'RELEASE', 'SHIP', 'RETURN');--> statement-breakpoint
CREATE TABLE "listings" (
	"store_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"price" integer,
	"safety_stock" integer,
	"percentage" integer,
	"max_quantity" integer,
	"floor" integer,
	"last_pushed_quantity" integer,
	"last_pushed_price" integer,
	"last_pushed_at" timestamp with time zone,
	"last_push_status" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "listings_store_id_product_id_pk" PRIMARY KEY("store_id","product_id"),
	CONSTRAINT "listings_overrides_ranges" CHECK (("listings"."price" is null or "listings"."price" >= 0) and ("listings"."safety_stock" is null or "listings"."safety_stock" >= 0) and ("listings"."percentage" is null or "listings"."percentage" between 1 and 100) and ("listings"."max_quantity" is null or "listings"."max_quantity" >= 0) and ("listings"."floor" is null or "listings"."floor" >= 0))
);
--> statement-breakpoint
CREATE TABLE "product_set_items" (
	"set_id" uuid NOT NULL,
	"component_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	CONSTRAINT "product_set_items_set_id_component_id_pk" PRIMARY KEY("set_id","component_id"),
	CONSTRAINT "product_set_items_quantity_range" CHECK ("product_set_items"."quantity" between 1 and 999),
	CONSTRAINT "product_set_items_not_self" CHECK ("product_set_items"."set_id" <> "product_set_items"."component_id")
);
--> statement-breakpoint
CREATE TABLE "products" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"sku" text NOT NULL,
	"barcode" text NOT NULL,
	"name" text NOT NULL,
	"type" "product_type" NOT NULL,
	"price" integer NOT NULL,
	"list_price" integer NOT NULL,
	"currency" char(3) DEFAULT 'TRY' NOT NULL,
	"vat_rate" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "products_price_nonnegative" CHECK ("products"."price" >= 0 and "products"."list_price" >= 0),
	CONSTRAINT "products_vat_rate_range" CHECK ("products"."vat_rate" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "store_warehouses" (
	"store_id" uuid NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"priority" integer NOT NULL,
	CONSTRAINT "store_warehouses_store_id_warehouse_id_pk" PRIMARY KEY("store_id","warehouse_id")
);
--> statement-breakpoint
CREATE TABLE "stores" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"type" "store_type" NOT NULL,
	"seller_id" text,
	"base_url" text,
	"credentials_ciphertext" text,
	"credentials_key_id" text,
	"active" boolean DEFAULT true NOT NULL,
	"send_stock" boolean DEFAULT true NOT NULL,
	"send_price" boolean DEFAULT false NOT NULL,
	"safety_stock" integer DEFAULT 0 NOT NULL,
	"percentage" integer DEFAULT 100 NOT NULL,
	"max_quantity" integer,
	"floor" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stores_policy_ranges" CHECK ("stores"."safety_stock" >= 0 and "stores"."percentage" between 1 and 100 and "stores"."floor" >= 0 and ("stores"."max_quantity" is null or "stores"."max_quantity" >= 0))
);
--> statement-breakpoint
CREATE TABLE "inventory_levels" (
	"product_id" uuid NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"on_hand" integer DEFAULT 0 NOT NULL,
	"reserved" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inventory_levels_product_id_warehouse_id_pk" PRIMARY KEY("product_id","warehouse_id"),
	CONSTRAINT "inventory_levels_on_hand_nonnegative" CHECK ("inventory_levels"."on_hand" >= 0),
	CONSTRAINT "inventory_levels_reserved_nonnegative" CHECK ("inventory_levels"."reserved" >= 0),
	CONSTRAINT "inventory_levels_reserved_within_on_hand" CHECK ("inventory_levels"."reserved" <= "inventory_levels"."on_hand")
);
--> statement-breakpoint
CREATE TABLE "shelf_stock" (
	"shelf_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shelf_stock_shelf_id_product_id_pk" PRIMARY KEY("shelf_id","product_id"),
	CONSTRAINT "shelf_stock_quantity_nonnegative" CHECK ("shelf_stock"."quantity" >= 0)
);
--> statement-breakpoint
CREATE TABLE "shelves" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"code" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stock_movements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"product_id" uuid NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"shelf_id" uuid,
	"kind" "movement_kind" NOT NULL,
	"delta" integer NOT NULL,
	"on_hand_before" integer NOT NULL,
	"on_hand_after" integer NOT NULL,
	"reserved_before" integer NOT NULL,
	"reserved_after" integer NOT NULL,
	"reason" text NOT NULL,
	"actor_id" uuid,
	"correlation_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "warehouses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "listings" ADD CONSTRAINT "listings_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listings" ADD CONSTRAINT "listings_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_set_items" ADD CONSTRAINT "product_set_items_set_id_products_id_fk" FOREIGN KEY ("set_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_set_items" ADD CONSTRAINT "product_set_items_component_id_products_id_fk" FOREIGN KEY ("component_id") REFERENCES "public"."products"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_warehouses" ADD CONSTRAINT "store_warehouses_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_levels" ADD CONSTRAINT "inventory_levels_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_levels" ADD CONSTRAINT "inventory_levels_warehouse_id_warehouses_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shelf_stock" ADD CONSTRAINT "shelf_stock_shelf_id_shelves_id_fk" FOREIGN KEY ("shelf_id") REFERENCES "public"."shelves"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shelf_stock" ADD CONSTRAINT "shelf_stock_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shelves" ADD CONSTRAINT "shelves_warehouse_id_warehouses_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_warehouse_id_warehouses_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_shelf_id_shelves_id_fk" FOREIGN KEY ("shelf_id") REFERENCES "public"."shelves"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "listings_product_idx" ON "listings" USING btree ("product_id");--> statement-breakpoint
CREATE INDEX "product_set_items_component_idx" ON "product_set_items" USING btree ("component_id");--> statement-breakpoint
CREATE UNIQUE INDEX "products_sku_unique" ON "products" USING btree ("sku");--> statement-breakpoint
CREATE UNIQUE INDEX "products_barcode_unique" ON "products" USING btree ("barcode");--> statement-breakpoint
CREATE INDEX "products_created_idx" ON "products" USING btree ("created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "store_warehouses_priority_unique" ON "store_warehouses" USING btree ("store_id","priority");--> statement-breakpoint
CREATE INDEX "store_warehouses_warehouse_idx" ON "store_warehouses" USING btree ("warehouse_id");--> statement-breakpoint
CREATE INDEX "shelf_stock_product_idx" ON "shelf_stock" USING btree ("product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "shelves_warehouse_code_unique" ON "shelves" USING btree ("warehouse_id","code");--> statement-breakpoint
CREATE INDEX "stock_movements_product_idx" ON "stock_movements" USING btree ("product_id","id");--> statement-breakpoint
CREATE INDEX "stock_movements_correlation_idx" ON "stock_movements" USING btree ("correlation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "warehouses_code_unique" ON "warehouses" USING btree ("code");