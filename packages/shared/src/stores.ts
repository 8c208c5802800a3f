// Request and response schemas of the stores routes, shared with clients.
export {};
