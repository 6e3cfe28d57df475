package postgres

// ConnConfig lets the package's external tests read what a connection is opened with.
var ConnConfig = connConfig

// Dialect lets the package's external tests send reads as the store does.
var Dialect = dialect{}
