use std::fmt;

/// Everything the store can refuse or fail at, each with a message a user can act on.
#[derive(Debug)]
pub enum Error {
    /// The file at the path cannot be used as an audit file; it was left untouched.
    BadFile(String),
    /// A referenced audit, finding, clause... does not exist.
    NotFound(String),
    /// A value the caller gave is not acceptable.
    Invalid(String),
    /// SQLite failed (disk full, read-only, I/O error...).
    Sqlite(String),
    /// The file system failed around the database (creating folders, permissions).
    Io(String),
    /// The file is open read-only (permissions, or another auditbench has it open).
    ReadOnly(String),
    /// Another auditbench process is writing this file.
    Locked(String),
    /// The file is encrypted and no passphrase was given.
    Encrypted(String),
    /// The passphrase given does not open the file (which is unchanged).
    WrongPassphrase(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BadFile(m)
            | Error::NotFound(m)
            | Error::Invalid(m)
            | Error::Io(m)
            | Error::ReadOnly(m)
            | Error::Locked(m)
            | Error::Encrypted(m)
            | Error::WrongPassphrase(m) => f.write_str(m),
            Error::Sqlite(m) => write!(f, "database error: {m}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            // Refusals raised by our own triggers (reported audits, the
            // append-only trail) are messages for the user, not failures.
            rusqlite::Error::SqliteFailure(_, Some(msg))
                if msg.contains("the audit is reported") || msg.contains("append-only") =>
            {
                Error::Invalid(msg.clone())
            }
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ReadOnly => {
                Error::ReadOnly("the audit file is open read-only, so nothing was changed".into())
            }
            _ => Error::Sqlite(e.to_string()),
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

impl From<crate::domain::ParseEnumError> for Error {
    fn from(e: crate::domain::ParseEnumError) -> Self {
        Error::Invalid(e.to_string())
    }
}
