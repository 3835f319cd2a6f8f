//! Threads that work beside the one the user is waiting for run at a lower
//! priority: the finder's ranking and text search and the interviews' and
//! samples' index (work the user asked for) at nice [`NICE`], the page
//! check and the rolling backup of an opening as idle work (`SCHED_IDLE`:
//! only on a core nothing else wants).
//!
//! Measured with `perf` scheduler events: the finder's first keystroke woke
//! its ranking thread while the opening's backup of an encrypted file (a
//! second of decrypting and encrypting at 100 000 findings) held the other
//! core, and the ranking took the main thread's core for 4–7 ms, the key
//! waiting. A core running only idle work counts as free when a thread
//! wakes, so the ranking now goes there.

/// How much lower than the workbench's own threads (nice value).
pub const NICE: i32 = 10;

/// How a background thread runs beside the user's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// Work the user asked for and waits on: nice [`NICE`].
    Low,
    /// Work nobody waits on: only on a core nothing else wants.
    Idle,
}

/// Start `work` on a thread named `name` (shown by `top -H`, `ps -L`) at
/// `priority`.
pub fn spawn<T: Send + 'static>(
    name: &str,
    priority: Priority,
    work: impl FnOnce() -> T + Send + 'static,
) -> std::io::Result<std::thread::JoinHandle<T>> {
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            match priority {
                Priority::Low => lower_priority(),
                Priority::Idle => idle_priority(),
            }
            work()
        })
}

/// Lower the calling thread's priority by [`NICE`] (Linux, where the nice
/// value is a thread's own; elsewhere nothing changes, as it would be the
/// whole process's). A refusal is ignored: the work is the same, only its
/// priority is not.
pub fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid and setpriority take no pointers; they only read the
    // calling thread's id and set its nice value.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid);
        if let Ok(tid) = libc::id_t::try_from(tid) {
            let _ = libc::setpriority(libc::PRIO_PROCESS, tid, NICE);
        }
    }
}

/// Make the calling thread idle work (Linux `SCHED_IDLE`; elsewhere, or if
/// refused, [`lower_priority`]).
pub fn idle_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: the parameter is a local, valid for the call; the rest takes
    // no pointers.
    unsafe {
        let param = libc::sched_param { sched_priority: 0 };
        if libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) == 0 {
            return;
        }
    }
    lower_priority();
}

/// Whether the calling thread is idle work (Linux; false elsewhere).
pub fn is_idle() -> bool {
    #[cfg(target_os = "linux")]
    // SAFETY: no pointers.
    let idle = unsafe { libc::sched_getscheduler(0) == libc::SCHED_IDLE };
    #[cfg(not(target_os = "linux"))]
    let idle = false;
    idle
}

/// The calling thread's nice value (Linux; 0 elsewhere).
pub fn nice() -> i32 {
    #[cfg(target_os = "linux")]
    // SAFETY: as above; getpriority reads the calling thread's nice value.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid);
        if let Ok(tid) = libc::id_t::try_from(tid) {
            return libc::getpriority(libc::PRIO_PROCESS, tid);
        }
    }
    0
}
