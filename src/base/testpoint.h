/*
 * testpoint.h - the test hooks that let tests synchronise on what the
 * program does instead of the clock.
 */
#ifndef BS_BASE_TESTPOINT_H
#define BS_BASE_TESTPOINT_H

/*
 * Test hooks (docs/robustness.md, "Test hooks"). Both read their variable
 * once, at the first call; both are harmless outside tests: a user who sets
 * them stops the process, or sees a write fail as on a full disk.
 *
 * BSSIM_TEST_STOP_AT=POINT[:N][,POINT[:N]]...: the N-th time (default 1)
 * the process passes POINT, it stops itself with SIGSTOP. A test that
 * forked bssim waits for it with waitpid(WUNTRACED), acts at that known
 * instant (sends SIGINT or SIGKILL, starts a second writer, looks at the
 * files) and lets it go on with SIGCONT: no test has to guess how long
 * anything takes. The points (BS_TP_*) are below. Thread-safe.
 */
#define BS_TP_REP_DONE "rep-done"           /* run: a replication finished */
#define BS_TP_BEFORE_WRITE "before-write"   /* every result set is computed, none written */
#define BS_TP_LOCKED "locked"               /* an output folder is locked and settled */
#define BS_TP_TEMPS_WRITTEN "temps-written" /* a commit's temporaries are complete */
#define BS_TP_COMMIT_RENAME "commit-rename" /* between two renames of a commit */
#define BS_TP_TASK_RECORDED "task-recorded" /* a sweep task is durably in the log */
void bs_test_point(const char *point);

/*
 * BSSIM_TEST_FAIL_WRITE=N: the N-th low-level write of any output file of
 * the process (counted from 1 over every file: results, temporaries, task
 * logs, markers) fails with ENOSPC, as on a full disk; later writes
 * succeed, so an error noticed late or not at all shows. Returns 1 when
 * the write about to be made must fail. Thread-safe (with several threads
 * the order of the writes is theirs).
 */
int bs_test_write_fails(void);

#endif
