"""The service's routers, one per resource: SPARQL, agencies, plans and tasks, places, linked
data and dumps. Adding a REST route is one router file (or one function in one) and one test."""
