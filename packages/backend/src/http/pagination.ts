export interface PageRequest {
  page: number;
  limit: number;
  offset: number;
}

/** `?page=&limit=` (already pattern-checked strings) as numbers, with the defaults of the contract. */
export function pageRequest(query: { page?: string; limit?: string }): PageRequest {
  const page = query.page ? Number(query.page) : 1;
  const limit = query.limit ? Number(query.limit) : 20;
  return { page, limit, offset: (page - 1) * limit };
}
