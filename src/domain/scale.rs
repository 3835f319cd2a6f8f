//! Grade scales as data: how a certification body names and defines its
//! grades. Each grade of a scale stands for one canonical class (the
//! `Grade` the logic runs on: recommendation, blocking, deadlines,
//! closure, colours, order, OSCAL states); the scale gives it its code,
//! label, short label, reference prefix, deadlines and definition. A scale
//! is frozen into each audit when it is created (a snapshot, as TOML), so
//! changing the scale's file later never changes an existing audit.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Grade;

/// The built-in scales: (id, TOML source).
const BUILTIN: &[(&str, &str)] = &[
    ("generic", include_str!("../../assets/scales/generic.toml")),
    ("dnv", include_str!("../../assets/scales/dnv.toml")),
    ("afnor", include_str!("../../assets/scales/afnor.toml")),
    ("de", include_str!("../../assets/scales/de.toml")),
];

/// The scale audits get when none is chosen (and every audit made before
/// scales existed).
pub const DEFAULT_SCALE: &str = "generic";

/// The canonical class of a grade, as scale files name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    MajorNc,
    MinorNc,
    Stage1Concern,
    Observation,
    OpportunityForImprovement,
    GoodPractice,
}

impl Class {
    pub fn grade(self) -> Grade {
        match self {
            Class::MajorNc => Grade::Major,
            Class::MinorNc => Grade::Minor,
            Class::Stage1Concern => Grade::Concern,
            Class::Observation => Grade::Observation,
            Class::OpportunityForImprovement => Grade::Ofi,
            Class::GoodPractice => Grade::GoodPractice,
        }
    }

    fn of(g: Grade) -> Class {
        match g {
            Grade::Major => Class::MajorNc,
            Grade::Minor => Class::MinorNc,
            Grade::Concern => Class::Stage1Concern,
            Grade::Observation => Class::Observation,
            Grade::Ofi => Class::OpportunityForImprovement,
            Grade::GoodPractice => Class::GoodPractice,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Class::MajorNc => "major_nc",
            Class::MinorNc => "minor_nc",
            Class::Stage1Concern => "stage1_concern",
            Class::Observation => "observation",
            Class::OpportunityForImprovement => "opportunity_for_improvement",
            Class::GoodPractice => "good_practice",
        }
    }

    const ALL: [Class; 6] = [
        Class::MajorNc,
        Class::MinorNc,
        Class::Stage1Concern,
        Class::Observation,
        Class::OpportunityForImprovement,
        Class::GoodPractice,
    ];
}

/// How a grade is coloured, by role (the theme picks the colour).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColourRole {
    Danger,
    Warning,
    Notice,
    Info,
    Success,
}

/// The OSCAL finding state a grade's findings get.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OscalState {
    Satisfied,
    NotSatisfied,
}

impl OscalState {
    pub fn as_str(self) -> &'static str {
        match self {
            OscalState::Satisfied => "satisfied",
            OscalState::NotSatisfied => "not-satisfied",
        }
    }
}

/// One grade of a scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleGrade {
    /// What `finding add --grade` accepts (with the label).
    pub code: String,
    pub label: String,
    /// For narrow columns (at most 5 characters).
    pub short: String,
    pub class: Class,
    /// The client must answer with a correction and corrective action
    /// (true for the nonconformity classes, false for the others).
    pub corrective_action: bool,
    /// An open finding of this grade blocks the recommendation (majors
    /// while open, minors until their plan is accepted: the NC classes).
    pub blocks_recommendation: bool,
    /// Days from the audit's last day for the client's response (the
    /// correction and action plan), if the grade needs one.
    #[serde(default)]
    pub response_days: Option<u32>,
    /// Days from the audit's last day until the action is verified, if it
    /// must be.
    #[serde(default)]
    pub verification_days: Option<u32>,
    /// The references' prefix: `CAT1` gives CAT1-001.
    pub prefix: String,
    /// Order in lists and exports (lowest first).
    pub order: u32,
    pub colour: ColourRole,
    pub oscal_state: OscalState,
    /// What the grade means, in the body's words (ours for the built-ins).
    pub definition: String,
}

/// A grade scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub id: String,
    pub name: String,
    /// Language of the labels (`en`, `fr`, `de`).
    pub language: String,
    #[serde(default)]
    pub description: String,
    #[serde(rename = "grade")]
    pub grades: Vec<ScaleGrade>,
}

/// A scale file that could not be used: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleError {
    pub origin: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ScaleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.origin, self.message),
            None => write!(f, "{}: {}", self.origin, self.message),
        }
    }
}

impl std::error::Error for ScaleError {}

/// The line of the `n`th `[[grade]]` table in `src` (1-based line).
fn grade_line(src: &str, n: usize) -> Option<usize> {
    src.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[grade]]"))
        .nth(n)
        .map(|(i, _)| i + 1)
}

impl Scale {
    /// Parse and check a scale. `origin` names the source in errors.
    pub fn parse(src: &str, origin: &str) -> Result<Scale, ScaleError> {
        let s: Scale = toml::from_str(src).map_err(|e| ScaleError {
            origin: origin.to_string(),
            line: e
                .span()
                .map(|sp| src.get(..sp.start).unwrap_or("").matches('\n').count() + 1),
            message: e.message().trim().replace('\n', " "),
        })?;
        let err = |n: Option<usize>, message: String| ScaleError {
            origin: origin.to_string(),
            line: n.and_then(|n| grade_line(src, n)),
            message,
        };
        let valid_id = |id: &str| {
            !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        if !valid_id(&s.id) {
            return Err(err(
                None,
                format!(
                    "id {:?} is not valid; use letters, digits, - and _, like \"dnv\"",
                    s.id
                ),
            ));
        }
        if s.name.trim().is_empty() {
            return Err(err(None, "name is empty; give the scale a name".into()));
        }
        let mut seen_codes: Vec<String> = Vec::new();
        let mut seen_prefixes: Vec<String> = Vec::new();
        for (i, g) in s.grades.iter().enumerate() {
            let at = Some(i);
            if !valid_id(&g.code) {
                return Err(err(
                    at,
                    format!(
                        "grade code {:?} is not valid; use letters, digits, - and _, like \"cat1\"",
                        g.code
                    ),
                ));
            }
            for (what, v) in [
                ("label", &g.label),
                ("short", &g.short),
                ("definition", &g.definition),
            ] {
                if v.trim().is_empty() {
                    return Err(err(at, format!("grade {}: {what} is empty", g.code)));
                }
            }
            if g.short.chars().count() > 5 {
                return Err(err(
                    at,
                    format!(
                        "grade {}: short {:?} is longer than 5 characters",
                        g.code, g.short
                    ),
                ));
            }
            let prefix = g.prefix.trim_end_matches('-');
            if !valid_id(prefix) || prefix.contains('-') || prefix.chars().count() > 6 {
                return Err(err(
                    at,
                    format!(
                        "grade {}: prefix {:?} is not valid; use at most 6 letters, digits and _, like \"CAT1\" (the reference is PREFIX-001)",
                        g.code, g.prefix
                    ),
                ));
            }
            let lower = g.code.to_lowercase();
            if seen_codes.contains(&lower) {
                return Err(err(at, format!("grade code {} appears twice", g.code)));
            }
            seen_codes.push(lower);
            // majors and minors may share a prefix (a reference then
            // survives a regrade between them); other grades may not
            let p = prefix.to_uppercase();
            if seen_prefixes.contains(&p)
                && !(g.class.grade().is_nonconformity()
                    && s.grades[..i].iter().any(|o| {
                        o.class.grade().is_nonconformity()
                            && o.prefix.trim_end_matches('-').to_uppercase() == p
                    }))
            {
                return Err(err(
                    at,
                    format!(
                        "grade {}: prefix {} is used by another grade",
                        g.code, prefix
                    ),
                ));
            }
            seen_prefixes.push(p);
            // the workflow follows the class: nonconformities take a
            // corrective action and block the recommendation (majors while
            // open, minors until their plan is accepted); the others do
            // neither. The file says so, and must say it truly.
            let nc = g.class.grade().is_nonconformity();
            if g.corrective_action != nc {
                return Err(err(
                    at,
                    format!(
                        "grade {}: a {} {} a corrective action (corrective_action = {nc})",
                        g.code,
                        g.class.name(),
                        if nc { "needs" } else { "does not take" }
                    ),
                ));
            }
            if g.blocks_recommendation != nc {
                return Err(err(
                    at,
                    format!(
                        "grade {}: a {} {} the recommendation (blocks_recommendation = {nc})",
                        g.code,
                        g.class.name(),
                        if nc { "blocks" } else { "does not block" }
                    ),
                ));
            }
        }
        for c in Class::ALL {
            let with: Vec<usize> = s
                .grades
                .iter()
                .enumerate()
                .filter(|(_, g)| g.class == c)
                .map(|(i, _)| i)
                .collect();
            match with.as_slice() {
                [_] => {}
                // a scale without a stage 1 concern gets the generic one
                [] if c == Class::Stage1Concern => {}
                [] => {
                    return Err(err(
                        None,
                        format!(
                            "no grade of class {}; a scale has one grade of each class: {} (stage1_concern may be left out)",
                            c.name(),
                            Class::ALL.map(Class::name).join(", ")
                        ),
                    ))
                }
                [_, second, ..] => {
                    return Err(err(
                        Some(*second),
                        format!(
                            "a second grade of class {}; a scale has one grade of each class",
                            c.name()
                        ),
                    ))
                }
            }
        }
        let mut s = s;
        for g in &mut s.grades {
            g.prefix = g.prefix.trim_end_matches('-').to_string();
        }
        if !s.grades.iter().any(|g| g.class == Class::Stage1Concern) {
            let generic = BUILTIN
                .iter()
                .find(|(i, _)| *i == DEFAULT_SCALE)
                .and_then(|(_, src)| Scale::parse(src, "generic").ok())
                .and_then(|g| {
                    g.grades
                        .into_iter()
                        .find(|x| x.class == Class::Stage1Concern)
                });
            if let Some(c) = generic {
                if s.grades
                    .iter()
                    .any(|g| g.code == c.code || g.prefix == c.prefix)
                {
                    return Err(err(
                        None,
                        format!(
                            "no grade of class stage1_concern, and the generic one's code {} or prefix {} is taken; add a stage1_concern grade",
                            c.code, c.prefix
                        ),
                    ));
                }
                s.grades.push(c);
            }
        }
        s.grades
            .sort_by_key(|g| (g.order, g.class.grade().severity()));
        Ok(s)
    }

    /// A built-in scale.
    pub fn builtin(id: &str) -> Option<Scale> {
        BUILTIN
            .iter()
            .find(|(i, _)| *i == id)
            .and_then(|(i, src)| Scale::parse(src, &format!("assets/scales/{i}.toml")).ok())
    }

    /// A built-in scale's file, as shipped (with its comments).
    pub fn builtin_source(id: &str) -> Option<&'static str> {
        BUILTIN.iter().find(|(i, _)| *i == id).map(|(_, s)| *s)
    }

    /// Every built-in scale, in order.
    pub fn builtins() -> Vec<Scale> {
        BUILTIN
            .iter()
            .filter_map(|(i, _)| Scale::builtin(i))
            .collect()
    }

    /// The generic scale (the default).
    pub fn generic() -> Scale {
        Scale::builtin(DEFAULT_SCALE).expect("the generic scale is built in and valid")
    }

    /// The scale as stored in an audit (TOML).
    pub fn snapshot(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// The grade of a canonical class.
    pub fn of(&self, g: Grade) -> &ScaleGrade {
        let c = Class::of(g);
        // parse() guarantees one grade per class
        self.grades
            .iter()
            .find(|x| x.class == c)
            .unwrap_or(&self.grades[0])
    }

    pub fn label(&self, g: Grade) -> &str {
        &self.of(g).label
    }

    pub fn short(&self, g: Grade) -> &str {
        &self.of(g).short
    }

    pub fn prefix(&self, g: Grade) -> &str {
        &self.of(g).prefix
    }

    /// The canonical grades in the scale's order.
    pub fn order(&self) -> Vec<Grade> {
        self.grades.iter().map(|g| g.class.grade()).collect()
    }

    /// A grade by its code or label (case-insensitive), or a canonical
    /// code (major, minor, observation, ofi, good_practice).
    pub fn parse_grade(&self, s: &str) -> Result<Grade, String> {
        let want = s.trim().to_lowercase();
        if let Some(g) = self
            .grades
            .iter()
            .find(|g| g.code.to_lowercase() == want || g.label.to_lowercase() == want)
        {
            return Ok(g.class.grade());
        }
        if let Ok(g) = Grade::parse(s) {
            return Ok(g);
        }
        Err(format!(
            "{s:?} is not a grade of the {} scale; accepted: {}",
            self.name,
            self.grades
                .iter()
                .map(|g| format!("{} ({})", g.code, g.label))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_scale_parses_and_has_each_class_once() {
        let all = Scale::builtins();
        assert_eq!(
            all.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            ["generic", "dnv", "afnor", "de"]
        );
        for s in &all {
            for g in Grade::ALL {
                assert_eq!(s.of(*g).class.grade(), *g, "{}", s.id);
            }
            // the snapshot reads back as the same scale
            assert_eq!(&Scale::parse(&s.snapshot(), "snapshot").unwrap(), s);
        }
        let g = Scale::generic();
        assert_eq!(g.label(Grade::Major), Grade::Major.label());
        assert_eq!(g.prefix(Grade::Minor), "NC");
        let dnv = Scale::builtin("dnv").unwrap();
        assert_eq!(dnv.parse_grade("category 1").unwrap(), Grade::Major);
        assert_eq!(dnv.parse_grade("CAT2").unwrap(), Grade::Minor);
        let e = dnv.parse_grade("critical").unwrap_err();
        assert!(e.contains("accepted: cat1 (Category 1), cat2"), "{e}");
        let fr = Scale::builtin("afnor").unwrap();
        assert_eq!(fr.parse_grade("NC mineure").unwrap(), Grade::Minor);
        assert_eq!(fr.label(Grade::GoodPractice), "Point fort");
    }

    #[test]
    fn a_scale_without_a_stage_1_concern_gets_the_generic_one() {
        let dnv = Scale::builtin_source("dnv").unwrap();
        let start = dnv.find("[[grade]]\ncode = \"aoc\"").unwrap();
        let end = start + dnv[start + 1..].find("[[grade]]").unwrap() + 1;
        let without = format!("{}{}", &dnv[..start], &dnv[end..]);
        let s = Scale::parse(&without, "body.toml").unwrap();
        assert_eq!(s.label(Grade::Concern), "Stage 1 concern");
        assert_eq!(s.prefix(Grade::Concern), "AOC");
        assert_eq!(s.grades.len(), 6);
    }

    #[test]
    fn a_bad_scale_file_is_named_with_its_line_and_what_is_accepted() {
        let good = Scale::builtin("dnv").unwrap().snapshot();
        let bad = |from: &str, to: &str| {
            assert!(good.contains(from), "{from}");
            Scale::parse(&good.replacen(from, to, 1), "body.toml")
                .unwrap_err()
                .to_string()
        };
        let e = bad("class = \"minor_nc\"", "class = \"minor\"");
        assert!(
            e.starts_with("body.toml:") && e.contains("major_nc") && e.contains("good_practice"),
            "{e}"
        );
        let e = bad("colour = \"danger\"", "colour = \"red\"");
        assert!(e.contains("danger") && e.contains("success"), "{e}");
        let e = bad("oscal_state = \"satisfied\"", "oscal_state = \"ok\"");
        assert!(e.contains("not-satisfied"), "{e}");
        let e = bad("class = \"minor_nc\"", "class = \"major_nc\"");
        assert!(e.contains("a second grade of class major_nc"), "{e}");
        assert!(e.starts_with("body.toml:"), "names the line: {e}");
        let e = bad("order = 1", "order = -1");
        assert!(e.starts_with("body.toml:"), "{e}");
        let e = bad("prefix = \"OBS\"", "prefix = \"CAT1\"");
        assert!(e.contains("prefix CAT1 is used by another grade"), "{e}");
        let e = bad("short = \"CAT1\"", "short = \"CATEGORY1\"");
        assert!(e.contains("longer than 5"), "{e}");
        let e = bad("corrective_action = true", "corrective_action = false");
        assert!(e.contains("needs a corrective action"), "{e}");
        let e = bad("id = \"dnv\"", "id = \"d n v\"");
        assert!(e.contains("is not valid"), "{e}");
        let e = bad("code = \"cat1\"", "colour_role = 1\ncode = \"cat1\"");
        assert!(e.contains("unknown field"), "{e}");
        let e = Scale::parse(
            "id = \"x\"\nname = \"x\"\nlanguage = \"en\"\ngrade = []\n",
            "x.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("no grade of class major_nc"), "{e}");
    }
}
