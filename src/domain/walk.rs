//! Time walked on a clause: counted from key presses, with idle minutes and
//! a sleeping laptop left out. Pure logic on seconds, driven by the
//! workbench (and by tests with their own clock).

/// After this long without a key, the time stops counting.
pub const IDLE_SECS: i64 = 5 * 60;
/// Between two ticks longer than this, the machine slept: not counted.
pub const SLEEP_SECS: i64 = 30;
/// Counted time is handed over for writing at least this often.
pub const FLUSH_SECS: i64 = 60;

#[derive(Debug, Clone, Default)]
pub struct WalkClock {
    /// (audit id, clause id) being walked.
    on: Option<(String, String)>,
    counted_until: i64,
    last_key: i64,
    last_seen: i64,
    pending: i64,
}

impl WalkClock {
    /// Count up to `now`, within the idle limit; a long gap since the last
    /// call is a sleep and is skipped.
    fn account(&mut self, now: i64) {
        if self.on.is_none() {
            return;
        }
        if now - self.last_seen > SLEEP_SECS {
            // asleep (or suspended): nothing from the last call to now
            self.counted_until = self.counted_until.max(now);
            self.last_key = self.last_key.min(now);
        }
        let end = now.min(self.last_key + IDLE_SECS);
        if end > self.counted_until {
            self.pending += end - self.counted_until;
            self.counted_until = end;
        }
        self.last_seen = now;
    }

    fn take(&mut self) -> Option<(String, String, i64)> {
        let (audit, clause) = self.on.clone()?;
        let n = std::mem::take(&mut self.pending);
        (n > 0).then_some((audit, clause, n))
    }

    /// A key at `now`, on `at` (audit, clause) or nowhere countable. Returns
    /// time to write for the clause left, or a minute's worth.
    pub fn key(&mut self, now: i64, at: Option<(&str, &str)>) -> Option<(String, String, i64)> {
        self.account(now);
        let same = match (&self.on, at) {
            (Some((a, c)), Some((a2, c2))) => a == a2 && c == c2,
            (None, None) => true,
            _ => false,
        };
        let out = if same {
            if self.pending >= FLUSH_SECS {
                self.take()
            } else {
                None
            }
        } else {
            let out = self.take();
            self.on = at.map(|(a, c)| (a.to_string(), c.to_string()));
            out
        };
        self.counted_until = now;
        self.last_key = now;
        self.last_seen = now;
        out
    }

    /// A tick at `now`: time to write, a minute's worth at a time.
    pub fn tick(&mut self, now: i64) -> Option<(String, String, i64)> {
        self.account(now);
        if self.pending >= FLUSH_SECS {
            self.take()
        } else {
            None
        }
    }

    /// Leaving (quit, suspend): whatever is counted.
    pub fn flush(&mut self, now: i64) -> Option<(String, String, i64)> {
        self.account(now);
        self.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ticks every 15 s from `from` to `to` (as the workbench ticks, only
    /// more often), summing what is handed over for `clause`.
    fn ticks(w: &mut WalkClock, from: i64, to: i64) -> i64 {
        (from..to)
            .step_by(15)
            .filter_map(|t| w.tick(t))
            .map(|(_, _, n)| n)
            .sum()
    }

    #[test]
    fn walking_counts_keys_not_idle_minutes_nor_sleep() {
        let mut w = WalkClock::default();
        assert_eq!(w.key(0, Some(("a", "8.5.1"))), None);
        // working: a minute's worth handed over at a time
        let mut got = ticks(&mut w, 15, 50);
        assert_eq!(w.key(50, Some(("a", "8.5.1"))), None);
        got += ticks(&mut w, 60, 75);
        assert_eq!(got, 60);
        // idle for 20 minutes: only 5 minutes after the last key (at 50) count
        got += ticks(&mut w, 75, 1_260);
        got += w.flush(1_260).map_or(0, |x| x.2);
        assert_eq!(got, 50 + IDLE_SECS);
        // back at work, then to another clause: the first is handed over
        assert_eq!(w.key(1_275, Some(("a", "8.5.1"))), None);
        ticks(&mut w, 1_290, 1_300);
        let left = w.key(1_300, Some(("a", "9.2"))).expect("the time on 8.5.1");
        assert_eq!(left, ("a".into(), "8.5.1".into(), 25));
        // the laptop sleeps an hour right after a key: not counted
        w.key(1_310, Some(("a", "9.2")));
        assert_eq!(w.flush(1_310 + 3_600), Some(("a".into(), "9.2".into(), 10)));
        // leaving the walk: nothing counts any more
        w.key(5_000, None);
        ticks(&mut w, 5_015, 5_400);
        assert_eq!(w.flush(5_400), None);
    }
}
