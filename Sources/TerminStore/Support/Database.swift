import TerminPostgres

/// The pool the layers above the store run repository calls in: one connection (`withConnection`), or one
/// transaction composing several (`transaction`). Only the store writes SQL; the engine composes its calls.
public typealias DatabasePool = ConnectionPool

/// The connection every repository function takes, so callers compose transactions.
public typealias DatabaseConnection = PostgresConnection
