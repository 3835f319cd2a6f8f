//! The team's documents (issue 16) as a projection of the audit trail: the
//! trail records every change of every shared record, field by field, in
//! the same transaction as the row; replaying an audit's trail gives each
//! record's Automerge document.

use rusqlite::params;

use super::{Error, Result, Store};
use crate::team::{millis, Edit, RecordKey, Replica};

impl Store {
    /// The documents of `audit_id`'s records, built from its trail, changes
    /// made as `actor` (this laptop) by the trail's auditors.
    pub fn team_replica(&self, audit_id: &str, actor: &[u8], name: &str) -> Result<Replica> {
        let team = |e: crate::team::TeamError| Error::Invalid(e.to_string());
        let mut r = Replica::new(actor, name).map_err(team)?;
        let mut stmt = self.conn.prepare(
            "SELECT entity, row_key, field, new, at, actor FROM history
             WHERE audit_id = ?1 ORDER BY seq",
        )?;
        let mut rows = stmt.query(params![audit_id])?;
        while let Some(row) = rows.next()? {
            let entity: String = row.get(0)?;
            let key: String = row.get(1)?;
            let field: String = row.get(2)?;
            let new: Option<String> = row.get(3)?;
            let at: String = row.get(4)?;
            let who: String = row.get(5)?;
            if let Some(edit) = Edit::from_trail(&field, new.as_deref()) {
                r.apply(&RecordKey::new(&entity, &key), &edit, &who, millis(&at))
                    .map_err(team)?;
            }
        }
        Ok(r)
    }
}
