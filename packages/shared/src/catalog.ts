// Request and response schemas of the catalog routes, shared with clients.
export {};
