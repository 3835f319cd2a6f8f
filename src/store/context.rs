//! The audit's context for the report, item by item.

use super::{Result, Store};
use crate::domain::{AuditContext, ContextItem};

impl Store {
    /// The recorded context of an audit (items never recorded are absent;
    /// an item of a later version's vocabulary is skipped).
    pub fn audit_context(&self, audit_id: &str) -> Result<AuditContext> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT item, value FROM audit_context WHERE audit_id = ?1")?;
        let rows = stmt.query_map([audit_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut ctx = AuditContext::default();
        for row in rows {
            let (item, value) = row?;
            if let Ok(item) = ContextItem::parse(&item) {
                ctx.items.insert(item, value);
            }
        }
        Ok(ctx)
    }

    /// Record one item of the context ("" clears it).
    pub fn set_audit_context(
        &mut self,
        audit_id: &str,
        item: ContextItem,
        value: &str,
    ) -> Result<()> {
        self.audit(audit_id)?;
        let now = self.now();
        if value.trim().is_empty() {
            self.conn.execute(
                "DELETE FROM audit_context WHERE audit_id = ?1 AND item = ?2",
                [audit_id, item.code()],
            )?;
        } else {
            self.conn.execute(
                "INSERT INTO audit_context (audit_id, item, value, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (audit_id, item) DO UPDATE SET value = excluded.value,
                     updated_at = excluded.updated_at
                 WHERE value IS NOT excluded.value",
                [audit_id, item.code(), value, &now],
            )?;
        }
        Ok(())
    }
}
