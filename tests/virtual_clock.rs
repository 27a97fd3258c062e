//! The emulator's virtual clock (docs/EMULATOR.md, "The clock"): one clock for every
//! thread, moved by every way a program waits, never stopped by a thread it cannot see
//! into, and the same on every run. The programs are `tests/c/waits.c`'s modes.

mod common;

use std::process::Command;

use common::{build_dir, run_emulated, without_pids, Emulated};

fn waits(mode: &str) -> Emulated {
    let mut command = Command::new(build_dir().join("tests/waits"));
    command.arg(mode);
    let run = run_emulated(command, None);
    assert!(run.success, "waits {mode}:\n{}", run.stdout);
    run
}

fn lines(run: &Emulated) -> Vec<&str> {
    run.stdout.lines().collect()
}

#[test]
fn two_threads_that_sleep_at_once_both_wake_after_one_sleep() {
    let run = waits("threads");
    let mut printed = lines(&run);
    // Which thread prints first is the machine's choice; the times are not.
    printed[..2].sort();
    assert_eq!(
        printed,
        [
            "threads: one woke at 400.000 ms",
            "threads: two woke at 400.000 ms",
            "threads: joined at 400.000 ms",
        ]
    );
}

#[test]
fn every_timed_wait_ends_at_its_timeout() {
    let run = waits("timeouts");
    assert_eq!(
        lines(&run),
        [
            "timeouts: poll 250 returned 0 after 250.000 ms",
            "timeouts: ppoll 120 returned 0 after 120.000 ms",
            "timeouts: select 150 returned 0 after 150.000 ms",
            "timeouts: select left 0.000000 s, set emptied",
            "timeouts: pselect 175 returned 0 after 175.000 ms",
            "timeouts: epoll_wait 200 returned 0 after 200.000 ms",
            "timeouts: cond monotonic 300 ETIMEDOUT returned 110 after 300.000 ms",
            "timeouts: cond wall 80 ETIMEDOUT returned 110 after 80.000 ms",
            "timeouts: sem_timedwait 100 ETIMEDOUT returned -1 after 100.000 ms",
            "timeouts: futex 60 ETIMEDOUT returned -1 after 60.000 ms",
            "timeouts: total 1435.000 ms",
        ]
    );
}

#[test]
fn a_thread_woken_by_another_runs_at_the_wakers_time() {
    let run = waits("handoff");
    assert_eq!(
        lines(&run),
        [
            "handoff: condition rc 0 at 100.000 ms",
            "handoff: semaphore rc 0 at 200.000 ms",
            "handoff: poll rc 1 at 300.000 ms",
            "handoff: futex at 400.000 ms",
            "handoff: joined at 400.000 ms",
        ]
    );
}

#[test]
fn a_loop_that_only_reads_the_clock_sees_it_move_by_one_microsecond_a_read() {
    let run = waits("spin");
    let line = lines(&run)[0];
    let reads: u64 = line
        .strip_prefix("spin: 50 ms took ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    // 50,000 reads of 1 us, after at most 100 free ones.
    assert!((50_000..=50_101).contains(&reads), "{line}");
    assert!(line.ends_with(", 50.001 ms"), "{line}");
}

#[test]
fn a_threaded_program_gives_the_same_readings_and_report_on_every_run() {
    let first = waits("sensors");
    assert_eq!(
        lines(&first),
        [
            "sensors: 0 rc 0 full 400 ir 120 lux 8 at 478.835 ms",
            "sensors: 1 rc 0 full 1200 ir 300 lux 26 at 1178.835 ms",
            "sensors: done at 1178.835 ms",
        ]
    );
    for _ in 0..4 {
        let again = waits("sensors");
        assert_eq!(again.stdout, first.stdout);
        assert_eq!(without_pids(&again.report), without_pids(&first.report));
    }
}

#[test]
fn a_wait_the_outside_world_may_end_takes_real_time_and_moves_the_clock_by_it() {
    let run = waits("outside");
    assert_eq!(
        lines(&run),
        ["outside: poll returned 0, real >= 30 ms, virtual clock >= 30 ms"]
    );
}

#[test]
fn a_thread_blocked_where_the_emulator_cannot_see_does_not_stop_the_clock() {
    let run = waits("blocked");
    assert_eq!(
        lines(&run),
        [
            "blocked: main woke at 300.000 ms",
            "blocked: reader got 'x' at 300.000 ms",
        ]
    );
}

#[test]
fn a_thread_that_computes_without_waiting_does_not_stop_the_clock() {
    let run = waits("busy");
    assert_eq!(
        lines(&run),
        ["busy: main woke at 100.000 ms, the worker ran meanwhile"]
    );
}

#[test]
fn in_real_time_every_wait_is_the_real_one() {
    // (run_emulated clears the emulator's variables of the test's environment: env sets
    // it for the program.)
    let mut command = Command::new("env");
    command
        .arg("LIGHTSEG_SIM_REALTIME=1")
        .arg(build_dir().join("tests/waits"))
        .arg("handoff");
    let started = std::time::Instant::now();
    let run = run_emulated(command, None);
    assert!(run.success, "{}", run.stdout);
    assert!(started.elapsed() >= std::time::Duration::from_millis(400));
    let ms = |line: &str| -> f64 {
        line.rsplit(" at ")
            .next()
            .and_then(|t| t.trim_end_matches(" ms").parse().ok())
            .unwrap_or_else(|| panic!("{line}"))
    };
    let times: Vec<f64> = lines(&run).into_iter().map(ms).collect();
    for (time, expected) in times.iter().zip([100.0, 200.0, 300.0, 400.0, 400.0]) {
        assert!(*time >= expected, "{}", run.stdout);
    }
}

#[test]
fn timers_fire_on_the_virtual_clock() {
    let run = waits("timers");
    assert_eq!(
        lines(&run),
        [
            "timers: timerfd armed, 150 ms left",
            "timers: timerfd one-shot: 1 at 150.000 ms",
            "timers: timerfd periodic: 1 at 50.000 ms",
            "timers: timerfd periodic: 1 at 100.000 ms",
            "timers: timerfd periodic: 1 at 150.000 ms",
            "timers: timerfd after a 120 ms sleep: 2 at 270.000 ms",
            "timers: epoll_wait on a timerfd: 1 at 80.000 ms",
            // pause() is not a wait the emulator models (a signal may come from another
            // process): the kernel's timer fires in real time, and the clock moves to
            // the timer's expiry.
            "timers: POSIX timer signal at 100.000 ms",
            "timers: alarm at 1000.000 ms",
        ]
    );
}

#[test]
fn a_signal_handler_that_reads_the_clock_sets_a_timer_and_sleeps_does_not_hang() {
    let run = waits("handlers");
    assert_eq!(
        lines(&run),
        ["handlers: main woke at or after 100 ms: yes, signals handled: 3 or more"]
    );
}
