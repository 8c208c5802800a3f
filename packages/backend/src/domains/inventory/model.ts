import { Inventory, PageQueryFields, Uuid } from "@pazarsync/shared";
import { Type } from "@sinclair/typebox";

/** Request and response schemas of the inventory routes; shared with clients via @pazarsync/shared. */
export const InventoryModel = {
  ...Inventory,
  IdParams: Type.Object({ id: Uuid }),
  PageQuery: Type.Object(PageQueryFields),
};
