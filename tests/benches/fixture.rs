//! The benchmarks' audit file: the demo audit plus `n` generated findings.

use std::path::Path;

use auditbench::demo::{add_scale, create_demo};
use auditbench::store::Store;

/// Create the file at `path`; returns the open store and the audit's id.
pub fn scaled_audit(path: &Path, n: usize) -> (Store, String) {
    let mut store = Store::open(path).expect("open");
    let id = create_demo(&mut store).expect("demo");
    let audit = store.audit(&id).expect("audit");
    let cat = store.catalogue(&audit.catalogue_id).expect("catalogue");
    add_scale(&mut store, &id, &cat, n).expect("scale");
    (store, id)
}
