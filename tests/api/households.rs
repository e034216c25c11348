//! Households: create, read, update with optimistic concurrency, status, search and pagination.
