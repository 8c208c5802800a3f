-- Custom: catalog's store_warehouses points at inventory's warehouses. Declared here rather than
-- in the Drizzle schema because catalog may not import inventory (CONVENTIONS: dependency direction).
ALTER TABLE "store_warehouses" ADD CONSTRAINT "store_warehouses_warehouse_id_warehouses_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE restrict ON UPDATE no action;
