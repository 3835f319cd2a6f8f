//! The time walked on each clause of stage 2: the workbench feeds the
//! domain's `WalkClock` with its keys and ticks (on the store's clock, so
//! tests drive it) and writes what it hands over.

use super::app::App;
use super::views::Screen;
use crate::domain::AuditStatus;

impl App {
    /// The (audit, clause) being walked: stage 2, an audit that is not
    /// reported, a clause selected.
    fn walk_at(&self) -> Option<(String, String)> {
        if self.screen != Screen::Stage2 || self.store.read_only().is_some() {
            return None;
        }
        let d = self.model.data.as_ref()?;
        if d.audit.status == AuditStatus::Reported {
            return None;
        }
        Some((d.audit.id.clone(), self.current_clause()?))
    }

    fn walk_now(&self) -> i64 {
        self.store.clock_now().timestamp()
    }

    fn walk_write(&mut self, counted: Option<(String, String, i64)>) {
        let Some((audit, clause, secs)) = counted else {
            return;
        };
        match self.store.add_clause_time(&audit, &clause, secs) {
            Ok(()) => {
                let today = self.store.local_today();
                if let Some(d) = self.model.data.as_mut().filter(|d| d.audit.id == audit) {
                    *d.clause_time.entry(clause).or_insert(0) += secs;
                    *d.time_by_day.entry(today).or_insert(0) += secs;
                }
            }
            Err(e) => self
                .model
                .error(format!("The time on {clause} could not be written: {e}")),
        }
    }

    /// After a key: time so far to the clause that was walked, and the
    /// walk goes on where the key left the auditor.
    pub(super) fn walk_key(&mut self) {
        let now = self.walk_now();
        let at = self.walk_at();
        let counted = self
            .walk
            .key(now, at.as_ref().map(|(a, c)| (a.as_str(), c.as_str())));
        self.walk_write(counted);
    }

    pub(super) fn walk_tick(&mut self) {
        let now = self.walk_now();
        let counted = self.walk.tick(now);
        self.walk_write(counted);
    }

    /// Leaving (quit, suspend, a signal): what is counted is written.
    pub fn walk_flush(&mut self) {
        let now = self.walk_now();
        let counted = self.walk.flush(now);
        self.walk_write(counted);
    }
}
