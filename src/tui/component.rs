//! The one trait of every screen and popup.

use ratatui::layout::Rect;
use ratatui::Frame;

use super::action::Action;
use super::effect::Effect;
use super::model::Model;
use crate::store::{self, Store};

/// What a component may use while it handles an action: the store (to read
/// and to write, one transaction per write) and the model (to read; it
/// changes only through `Effect::Reload`, except for reading more of a list).
pub struct Ctx<'a> {
    pub store: &'a mut Store,
    pub model: &'a mut Model,
}

/// A screen or a popup: it owns its state, changes it in `handle`, asks for
/// anything else with effects, and draws from `&self` and the model.
pub trait Component {
    /// Handle one action. An error becomes a message in the status bar.
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> store::Result<Vec<Effect>>;

    /// Draw into `area`. Reads the model only: never the store.
    fn render(&self, model: &Model, f: &mut Frame, area: Rect);
}

/// No effect.
pub fn none() -> store::Result<Vec<Effect>> {
    Ok(Vec::new())
}

/// One effect.
pub fn one(e: Effect) -> store::Result<Vec<Effect>> {
    Ok(vec![e])
}

/// A word in the status bar.
pub fn info(text: impl Into<String>) -> store::Result<Vec<Effect>> {
    one(Effect::Info(text.into()))
}
