// Request and response schemas of the inventory routes, shared with clients.
export {};
