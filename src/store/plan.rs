//! The audit plan: days and time slots.

use rusqlite::Row;

use super::{new_id, Error, Result, Store};
use crate::domain::{check_date, PlanSlot};

const COLUMNS: &str =
    "id, audit_id, day, start, end, site, auditors, clauses, subject, contacts, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<PlanSlot> {
    Ok(PlanSlot {
        id: r.get(0)?,
        audit_id: r.get(1)?,
        day: r.get(2)?,
        start: r.get(3)?,
        end: r.get(4)?,
        site: r.get(5)?,
        auditors: r.get(6)?,
        clauses: r.get(7)?,
        subject: r.get(8)?,
        contacts: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

/// Clause ids separated by one space.
fn normal_clauses(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Store {
    /// Add a slot to an audit's plan: a day within the audit's dates (when
    /// set), times `HH:MM` with the end after the start, and clauses of the
    /// audit's catalogue.
    pub fn add_plan_slot(&mut self, slot: &PlanSlot) -> Result<PlanSlot> {
        self.check_slot(slot)?;
        let id = new_id();
        self.conn.execute(
            &format!(
                "INSERT INTO plan_slots ({COLUMNS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"
            ),
            rusqlite::params_from_iter(self.slot_row(&id, slot)),
        )?;
        self.plan_slot(&id)
    }

    /// Change a slot of an audit's plan (checked as a new one is); each
    /// field changed is in the trail.
    pub fn update_plan_slot(&mut self, slot: &PlanSlot) -> Result<PlanSlot> {
        self.check_slot(slot)?;
        let n = self.conn.execute(
            "UPDATE plan_slots SET day = ?3, start = ?4, end = ?5, site = ?6, auditors = ?7,
                 clauses = ?8, subject = ?9, contacts = ?10, updated_at = ?11
             WHERE id = ?1 AND audit_id = ?2",
            rusqlite::params_from_iter(self.slot_row(&slot.id, slot)),
        )?;
        if n == 0 {
            return Err(Error::NotFound(format!(
                "no slot {} in this audit's plan",
                slot.id
            )));
        }
        self.plan_slot(&slot.id)
    }

    /// The slot's row as stored, in `COLUMNS` order: text trimmed, clause
    /// ids separated by one space, updated now.
    fn slot_row(&self, id: &str, slot: &PlanSlot) -> [String; 11] {
        [
            id.to_string(),
            slot.audit_id.clone(),
            slot.day.clone(),
            slot.start.clone(),
            slot.end.clone(),
            slot.site.trim().to_string(),
            slot.auditors.trim().to_string(),
            normal_clauses(&slot.clauses),
            slot.subject.trim().to_string(),
            slot.contacts.trim().to_string(),
            self.now(),
        ]
    }

    fn plan_slot(&self, id: &str) -> Result<PlanSlot> {
        Ok(self.conn.query_row(
            &format!("SELECT {COLUMNS} FROM plan_slots WHERE id = ?1"),
            [id],
            from_row,
        )?)
    }

    /// A slot's day within the audit's dates, its times, its clauses.
    fn check_slot(&self, slot: &PlanSlot) -> Result<()> {
        let audit = self.audit(&slot.audit_id)?;
        check_date("day", &slot.day).map_err(Error::Invalid)?;
        if slot.day.is_empty() {
            return Err(Error::Invalid("the slot needs its day, YYYY-MM-DD".into()));
        }
        if (!audit.start_date.is_empty() && slot.day < audit.start_date)
            || (!audit.end_date.is_empty() && slot.day > audit.end_date)
        {
            return Err(Error::Invalid(format!(
                "{} is outside the audit's dates ({} to {}); change the day or the audit's dates",
                slot.day, audit.start_date, audit.end_date
            )));
        }
        for t in [&slot.start, &slot.end] {
            if chrono::NaiveTime::parse_from_str(t, "%H:%M").is_err() {
                return Err(Error::Invalid(format!(
                    "{t:?} is not a time; give HH:MM, e.g. 09:30"
                )));
            }
        }
        if slot.minutes() == 0 {
            return Err(Error::Invalid(format!(
                "the slot ends at {} before it starts at {}",
                slot.end, slot.start
            )));
        }
        let cat = self.catalogue(&audit.catalogue_id)?;
        let unknown: Vec<&str> = slot
            .clauses
            .split_whitespace()
            .filter(|c| cat.get(c).is_none())
            .collect();
        if !unknown.is_empty() {
            return Err(Error::Invalid(format!(
                "unknown clause{} {} for {}; `auditbench catalogue` lists them",
                if unknown.len() == 1 { "" } else { "s" },
                unknown.join(", "),
                cat.title
            )));
        }
        Ok(())
    }

    /// An audit's plan, by day and start.
    pub fn plan(&self, audit_id: &str) -> Result<Vec<PlanSlot>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM plan_slots WHERE audit_id = ?1 ORDER BY day, start, rowid"
        ))?;
        let rows = stmt.query_map([audit_id], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Remove a slot (its id, or a unique prefix of it) from an audit's plan.
    pub fn delete_plan_slot(&mut self, audit_id: &str, slot: &str) -> Result<PlanSlot> {
        let hits: Vec<PlanSlot> = self
            .plan(audit_id)?
            .into_iter()
            .filter(|s| s.id.starts_with(slot.trim()) && !slot.trim().is_empty())
            .collect();
        let [one] = hits.as_slice() else {
            return Err(Error::NotFound(format!(
                "no single slot {slot:?} in this audit's plan; `auditbench plan list` shows their ids"
            )));
        };
        self.conn
            .execute("DELETE FROM plan_slots WHERE id = ?1", [&one.id])?;
        Ok(one.clone())
    }
}
