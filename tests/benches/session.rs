//! What the pseudo-terminal benches share: the workbench started on an
//! audit file, the audit opened, the findings screen, a finder query typed.

use std::path::Path;
use std::time::Duration;

use super::binary::{proc_kb, BIN};
use super::pty::Tui;

/// Start the workbench on `db`, open the audit, go to the findings, type
/// `query` in the finder and give it `settle` to work. Returns the
/// workbench and its resident memory (kB) right after the audit opened.
pub fn open_and_find(db: &Path, query: &str, settle: Duration) -> (Tui, u64) {
    let mut tui = Tui::start(Path::new(BIN), db);
    tui.wait_for(0, "Northwind");
    let m = tui.mark();
    tui.keys("\r");
    tui.wait_for(m, "recommend");
    let open_kb = proc_kb(tui.pid(), "VmRSS:");
    let m = tui.mark();
    tui.keys("4");
    tui.wait_for(m, "report order");
    let m = tui.mark();
    tui.keys("/");
    tui.wait_for(m, "Find");
    tui.keys(query);
    std::thread::sleep(settle);
    (tui, open_kb)
}

/// Close the finder and quit.
pub fn quit(mut tui: Tui) {
    tui.keys("\x1b");
    std::thread::sleep(Duration::from_millis(100));
    tui.keys("q");
    tui.wait();
}
