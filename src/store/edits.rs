//! Named editable fields and drafts: what an editor is editing, how its text
//! is persisted while being typed, and how it is committed.

use rusqlite::{params, OptionalExtension};

use super::{FindingField, Result, Store};
use crate::domain::Stage;

/// A field of a document review that is edited as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocField {
    Reference,
    Version,
    Notes,
}

/// A field of an interview that is edited as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterviewField {
    Interviewee,
    Role,
    HeldAt,
    Clauses,
    Notes,
}

/// A field of a record sample that is edited as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleField {
    Clause,
    Population,
    Size,
    Items,
    Result,
    /// The period the records cover, as "FROM TO" (YYYY-MM-DD each).
    Period,
}

/// Codes of a field enum, used in draft keys: one table for both directions.
macro_rules! field_codes {
    ($name:ident { $($v:ident = $code:literal),+ $(,)? }) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$v => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|f| f.code() == code)
            }
        }
    };
}

field_codes!(DocField { Reference = "reference", Version = "version", Notes = "notes" });
field_codes!(InterviewField {
    Interviewee = "interviewee",
    Role = "role",
    HeldAt = "held_at",
    Clauses = "clauses",
    Notes = "notes",
});
field_codes!(SampleField {
    Clause = "clause",
    Population = "population",
    Size = "size",
    Items = "items",
    Result = "result",
    Period = "period",
});

/// One editable text field somewhere in an audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditTarget {
    Finding {
        id: String,
        field: FindingField,
    },
    /// The clause a finding is raised against (validated against the catalogue).
    FindingClause {
        id: String,
    },
    ClauseNotes {
        audit_id: String,
        clause_id: String,
        stage: Stage,
    },
    Document {
        audit_id: String,
        doc_key: String,
        clause_id: String,
        field: DocField,
    },
    Interview {
        id: String,
        field: InterviewField,
    },
    /// The justification of the audit team's recommendation.
    RecommendationNote {
        audit_id: String,
    },
    Sample {
        id: String,
        field: SampleField,
    },
    /// One item of the audit's context for the report.
    Context {
        audit_id: String,
        item: crate::domain::ContextItem,
    },
}

impl EditTarget {
    /// The key under which a draft is stored.
    pub fn key(&self) -> String {
        match self {
            EditTarget::Finding { id, field } => {
                format!("finding/{id}/{}", field.column())
            }
            EditTarget::FindingClause { id } => format!("finding/{id}/clause"),
            EditTarget::ClauseNotes {
                audit_id,
                clause_id,
                stage,
            } => {
                format!("clause/{audit_id}/{stage}/{clause_id}")
            }
            EditTarget::Document {
                audit_id,
                doc_key,
                clause_id,
                field,
            } => {
                format!("doc/{audit_id}/{clause_id}/{}/{doc_key}", field.code())
            }
            EditTarget::Interview { id, field } => {
                format!("interview/{id}/{}", field.code())
            }
            EditTarget::RecommendationNote { audit_id } => {
                format!("audit/{audit_id}/recommendation_note")
            }
            EditTarget::Sample { id, field } => format!("sample/{id}/{}", field.code()),
            EditTarget::Context { audit_id, item } => {
                format!("audit/{audit_id}/context/{}", item.code())
            }
        }
    }

    /// Parse a draft key back into its target.
    pub fn parse(key: &str) -> Option<EditTarget> {
        let parts: Vec<&str> = key.splitn(5, '/').collect();
        Some(match parts.as_slice() {
            ["finding", id, "clause"] => EditTarget::FindingClause { id: id.to_string() },
            ["finding", id, f] => EditTarget::Finding {
                id: id.to_string(),
                field: *FindingField::ALL.iter().find(|x| x.column() == *f)?,
            },
            ["clause", audit, stage, clause] => EditTarget::ClauseNotes {
                audit_id: audit.to_string(),
                clause_id: clause.to_string(),
                stage: Stage::new(stage.parse().ok()?).ok()?,
            },
            ["doc", audit, clause, f, doc] => EditTarget::Document {
                audit_id: audit.to_string(),
                doc_key: doc.to_string(),
                clause_id: clause.to_string(),
                field: DocField::from_code(f)?,
            },
            ["audit", id, "recommendation_note"] => EditTarget::RecommendationNote {
                audit_id: id.to_string(),
            },
            ["audit", id, "context", item] => EditTarget::Context {
                audit_id: id.to_string(),
                item: crate::domain::ContextItem::parse(item).ok()?,
            },
            ["sample", id, f] => EditTarget::Sample {
                id: id.to_string(),
                field: SampleField::from_code(f)?,
            },
            ["interview", id, f] => EditTarget::Interview {
                id: id.to_string(),
                field: InterviewField::from_code(f)?,
            },
            _ => return None,
        })
    }

    /// Whether the field holds several lines of free text.
    pub fn multiline(&self) -> bool {
        match self {
            EditTarget::Finding { field, .. } => !matches!(
                field,
                FindingField::Title
                    | FindingField::DueDate
                    | FindingField::RaisedBy
                    | FindingField::VerifiedOn
                    | FindingField::VerifiedBy
            ),
            EditTarget::FindingClause { .. } => false,
            EditTarget::ClauseNotes { .. } => true,
            EditTarget::Document { field, .. } => *field == DocField::Notes,
            EditTarget::Interview { field, .. } => *field == InterviewField::Notes,
            EditTarget::RecommendationNote { .. } | EditTarget::Context { .. } => true,
            EditTarget::Sample { field, .. } => {
                matches!(field, SampleField::Items | SampleField::Result)
            }
        }
    }
}

/// A persisted draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// Whose draft it is: an [`EditTarget::key`] for a field of the audit,
    /// or a key the workbench chose for something else it keeps (a form).
    pub key: String,
    pub audit_id: String,
    pub label: String,
    pub text: String,
    pub updated_at: String,
}

impl Store {
    /// The current stored value of a field.
    pub fn field_value(&self, target: &EditTarget) -> Result<String> {
        Ok(match target {
            EditTarget::Finding { id, field } => field.get(&self.finding(id)?).to_string(),
            EditTarget::FindingClause { id } => self.finding(id)?.clause_id,
            EditTarget::ClauseNotes {
                audit_id,
                clause_id,
                stage,
            } => self.clause_review(audit_id, clause_id, *stage)?.notes,
            EditTarget::Document {
                audit_id,
                doc_key,
                clause_id,
                field,
            } => {
                let d = self.document_review(audit_id, doc_key, clause_id)?;
                match field {
                    DocField::Reference => d.reference,
                    DocField::Version => d.version,
                    DocField::Notes => d.notes,
                }
            }
            EditTarget::Interview { id, field } => {
                let i = self.interview(id)?;
                match field {
                    InterviewField::Interviewee => i.interviewee,
                    InterviewField::Role => i.role,
                    InterviewField::HeldAt => i.held_at,
                    InterviewField::Clauses => i.clauses,
                    InterviewField::Notes => i.notes,
                }
            }
            EditTarget::RecommendationNote { audit_id } => {
                self.audit(audit_id)?.recommendation_note
            }
            EditTarget::Context { audit_id, item } => {
                self.audit_context(audit_id)?.get(*item).to_string()
            }
            EditTarget::Sample { id, field } => {
                let x = self.sample(id)?;
                match field {
                    SampleField::Clause => x.clause_id,
                    SampleField::Population => x.population,
                    SampleField::Size => x.size.to_string(),
                    SampleField::Items => x.items,
                    SampleField::Result => x.result,
                    SampleField::Period => format!("{} {}", x.period_from, x.period_to)
                        .trim()
                        .to_string(),
                }
            }
        })
    }

    /// Commit an edited field and drop its draft: the field is written through
    /// the same validated path as any other change.
    pub fn apply_edit(&mut self, target: &EditTarget, text: &str) -> Result<()> {
        match target {
            EditTarget::Finding { id, field } => self.set_finding_field(id, *field, text)?,
            EditTarget::FindingClause { id } => self.set_finding_clause(id, text)?,
            EditTarget::ClauseNotes {
                audit_id,
                clause_id,
                stage,
            } => {
                let mut r = self.clause_review(audit_id, clause_id, *stage)?;
                r.notes = text.to_string();
                self.save_clause_review(&r)?;
            }
            EditTarget::Document {
                audit_id,
                doc_key,
                clause_id,
                field,
            } => {
                let mut d = self.document_review(audit_id, doc_key, clause_id)?;
                match field {
                    DocField::Reference => d.reference = text.to_string(),
                    DocField::Version => d.version = text.to_string(),
                    DocField::Notes => d.notes = text.to_string(),
                }
                self.save_document_review(&d)?;
            }
            EditTarget::Interview { id, field } => {
                let mut i = self.interview(id)?;
                match field {
                    InterviewField::Interviewee => i.interviewee = text.to_string(),
                    InterviewField::Role => i.role = text.to_string(),
                    InterviewField::HeldAt => i.held_at = text.to_string(),
                    InterviewField::Clauses => i.clauses = text.to_string(),
                    InterviewField::Notes => i.notes = text.to_string(),
                }
                self.save_interview(&i)?;
            }
            EditTarget::RecommendationNote { audit_id } => {
                let mut a = self.audit(audit_id)?;
                a.recommendation_note = text.to_string();
                self.update_audit(&a)?;
            }
            EditTarget::Context { audit_id, item } => {
                self.set_audit_context(audit_id, *item, text)?;
            }
            EditTarget::Sample { id, field } => {
                let mut x = self.sample(id)?;
                match field {
                    SampleField::Clause => x.clause_id = text.trim().to_string(),
                    SampleField::Population => x.population = text.to_string(),
                    SampleField::Size => {
                        let t = text.trim();
                        x.size = if t.is_empty() {
                            0
                        } else {
                            t.parse().map_err(|_| {
                                super::Error::Invalid(format!(
                                    "sample size {t:?} is not a whole number; type e.g. 5"
                                ))
                            })?
                        }
                    }
                    SampleField::Items => x.items = text.to_string(),
                    SampleField::Result => x.result = text.to_string(),
                    SampleField::Period => {
                        let parts: Vec<&str> = text
                            .split(|c: char| c.is_whitespace() || c == '–' || c == ',')
                            .filter(|p| !p.is_empty() && *p != "-" && *p != "to")
                            .collect();
                        (x.period_from, x.period_to) = match parts.as_slice() {
                            [] => (String::new(), String::new()),
                            [a, b] => (a.to_string(), b.to_string()),
                            _ => {
                                return Err(super::Error::Invalid(format!(
                                    "the period {:?} is not two dates; type the first and the last record's date, e.g. 2026-06-01 2026-08-31",
                                    text.trim()
                                )))
                            }
                        };
                    }
                }
                self.save_sample(&x)?;
            }
        }
        self.delete_draft(&target.key())
    }

    /// Persist text being typed (insert or replace), in its own transaction.
    pub fn save_draft(&mut self, key: &str, audit_id: &str, label: &str, text: &str) -> Result<()> {
        let now = self.now();
        self.conn
            .prepare_cached(
                "INSERT INTO drafts (target, audit_id, label, text, updated_at) VALUES (?1,?2,?3,?4,?5)
                 ON CONFLICT (target) DO UPDATE SET text = excluded.text, label = excluded.label,
                     updated_at = excluded.updated_at",
            )?
            .execute(params![key, audit_id, label, text, now])?;
        Ok(())
    }

    pub fn delete_draft(&mut self, key: &str) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM drafts WHERE target = ?1")?
            .execute([key])?;
        Ok(())
    }

    pub fn draft(&self, key: &str) -> Result<Option<Draft>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT target, audit_id, label, text, updated_at FROM drafts WHERE target = ?1",
            )?
            .query_row([key], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                ))
            })
            .optional()?
            .map(|(key, audit_id, label, text, updated_at)| Draft {
                key,
                audit_id,
                label,
                text,
                updated_at,
            }))
    }

    /// Every draft left behind (e.g. by a crash), oldest first.
    pub fn drafts(&self) -> Result<Vec<Draft>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT target, audit_id, label, text, updated_at FROM drafts ORDER BY updated_at, target",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (key, audit_id, label, text, updated_at): (String, String, String, String, String) =
                row?;
            out.push(Draft {
                key,
                audit_id,
                label,
                text,
                updated_at,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        let targets = [
            EditTarget::Finding {
                id: "f1".into(),
                field: FindingField::CorrectiveAction,
            },
            EditTarget::FindingClause { id: "f1".into() },
            EditTarget::ClauseNotes {
                audit_id: "a".into(),
                clause_id: "8.5.1.3".into(),
                stage: Stage::TWO,
            },
            EditTarget::Document {
                audit_id: "a".into(),
                doc_key: "sla".into(),
                clause_id: "8.3.3".into(),
                field: DocField::Version,
            },
            EditTarget::Interview {
                id: "i".into(),
                field: InterviewField::Notes,
            },
        ];
        for t in targets {
            assert_eq!(EditTarget::parse(&t.key()), Some(t.clone()), "{}", t.key());
        }
        assert_eq!(EditTarget::parse("nonsense/x"), None);
        let mut every = Vec::new();
        for f in DocField::ALL {
            every.push(EditTarget::Document {
                audit_id: "a".into(),
                doc_key: "k".into(),
                clause_id: "4.3".into(),
                field: *f,
            });
        }
        for f in InterviewField::ALL {
            every.push(EditTarget::Interview {
                id: "i".into(),
                field: *f,
            });
        }
        for f in FindingField::ALL {
            every.push(EditTarget::Finding {
                id: "f".into(),
                field: *f,
            });
        }
        for t in every {
            assert_eq!(EditTarget::parse(&t.key()), Some(t.clone()), "{}", t.key());
        }
    }
}
