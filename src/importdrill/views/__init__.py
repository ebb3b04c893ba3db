"""Rich rendering, by screen: what the front ends show. Imports the core and the use cases'
result types, never a front end."""
