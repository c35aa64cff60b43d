"""The public SPARQL endpoint: the guard, the worker pool, the result writers, the remote store
client and the mapping of query errors to HTTP statuses."""
