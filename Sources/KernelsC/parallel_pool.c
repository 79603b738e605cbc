// The engine's fork/join (kernels_c.h: kc_parallel_for): worker threads that spin for a short
// while after each parallel region before they sleep. A decode step runs ~150 short regions per
// token; GCD's concurrentPerform woke a sleeping worker through the kernel for every one of
// them, which `perf` put at ~16% of single-stream decode time.
//
// Jobs are claimed one at a time from a ticket that holds (region << 32 | next index), taken by
// compare-and-swap, so a worker still finishing one region can never take a job of the next.
// One region runs at a time: a call made while another is in flight (another thread's forward
// pass, or a job that itself calls kc_parallel_for) returns -1 and the caller runs the jobs
// some other way. Workers are started as regions ask for them (a region of n jobs wants n - 1,
// up to one per further CPU), so `--threads 2` on a large machine keeps one worker spinning,
// not one per core.
#include "kernels_c.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define KC_PAUSE() _mm_pause()
#else
#define KC_PAUSE() ((void)0)
#endif

// How long an idle worker spins before it sleeps, in nanoseconds.
#define KC_SPIN_NS 200000
// Workers at most (the calling thread takes jobs too).
#define KC_MAX_WORKERS 63

static struct {
    // Guards starting workers; `workers` only grows.
    pthread_mutex_t start;
    atomic_int workers;
    atomic_int busy;
    // The region's job; written before `region` is advanced, read after it is seen.
    kc_job_fn fn;
    void *ctx;
    int64_t count;
    _Atomic uint64_t ticket;
    atomic_int_fast64_t done;
    _Atomic uint32_t region;
    // Sleeping workers wait on `wake` for `region` to change.
    pthread_mutex_t lock;
    pthread_cond_t wake;
    atomic_int sleepers;
} pool = {.start = PTHREAD_MUTEX_INITIALIZER,
          .lock = PTHREAD_MUTEX_INITIALIZER,
          .wake = PTHREAD_COND_INITIALIZER};

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

// Runs jobs of region `r` until none is left; returns how many this thread ran.
static int64_t take_jobs(uint32_t r) {
    int64_t ran = 0;
    uint64_t t = atomic_load_explicit(&pool.ticket, memory_order_acquire);
    for (;;) {
        if ((uint32_t)(t >> 32) != r) break;
        const int64_t i = (int64_t)(t & 0xffffffffu);
        if (i >= pool.count) break;
        if (!atomic_compare_exchange_weak_explicit(&pool.ticket, &t, t + 1, memory_order_acq_rel,
                                                   memory_order_acquire))
            continue;
        pool.fn(pool.ctx, i);
        ran++;
        t = atomic_load_explicit(&pool.ticket, memory_order_acquire);
    }
    if (ran) atomic_fetch_add_explicit(&pool.done, ran, memory_order_acq_rel);
    return ran;
}

static void *worker(void *unused) {
    (void)unused;
    uint32_t seen = atomic_load_explicit(&pool.region, memory_order_acquire);
    for (;;) {
        uint32_t r = atomic_load_explicit(&pool.region, memory_order_acquire);
        if (r == seen) {
            const int64_t until = now_ns() + KC_SPIN_NS;
            int spins = 0;
            while ((r = atomic_load_explicit(&pool.region, memory_order_acquire)) == seen) {
                KC_PAUSE();
                if (++spins % 64 == 0 && now_ns() > until) {
                    pthread_mutex_lock(&pool.lock);
                    atomic_fetch_add(&pool.sleepers, 1);
                    while ((r = atomic_load_explicit(&pool.region, memory_order_acquire)) == seen)
                        pthread_cond_wait(&pool.wake, &pool.lock);
                    atomic_fetch_sub(&pool.sleepers, 1);
                    pthread_mutex_unlock(&pool.lock);
                    break;
                }
            }
        }
        seen = r;
        take_jobs(r);
    }
    return NULL;
}

// Starts workers until there are `wanted` (at most one per further CPU); returns how many there are.
static int ensure_workers(int64_t wanted) {
    static long cpus = 0;
    if (atomic_load_explicit(&pool.workers, memory_order_acquire) >= wanted) return (int)wanted;
    pthread_mutex_lock(&pool.start);
    if (cpus == 0) cpus = sysconf(_SC_NPROCESSORS_ONLN);
    const int64_t limit = cpus > 1 ? (cpus - 1 < KC_MAX_WORKERS ? cpus - 1 : KC_MAX_WORKERS) : 0;
    if (wanted > limit) wanted = limit;
    while (atomic_load(&pool.workers) < wanted) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        const int failed = pthread_create(&thread, &attributes, worker, NULL);
        pthread_attr_destroy(&attributes);
        if (failed) break;
        atomic_fetch_add(&pool.workers, 1);
    }
    const int workers = atomic_load(&pool.workers);
    pthread_mutex_unlock(&pool.start);
    return workers;
}

int32_t kc_parallel_for(int64_t count, kc_job_fn fn, void *ctx) {
    if (count <= 0) return 0;
    int expected = 0;
    if (count > 0xffffffffLL || ensure_workers(count - 1) == 0 ||
        !atomic_compare_exchange_strong(&pool.busy, &expected, 1))
        return -1;
    pool.fn = fn;
    pool.ctx = ctx;
    pool.count = count;
    atomic_store_explicit(&pool.done, 0, memory_order_relaxed);
    const uint32_t r = atomic_load_explicit(&pool.region, memory_order_relaxed) + 1;
    atomic_store_explicit(&pool.ticket, (uint64_t)r << 32, memory_order_release);
    atomic_store_explicit(&pool.region, r, memory_order_release);
    if (atomic_load(&pool.sleepers) > 0) {
        pthread_mutex_lock(&pool.lock);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.lock);
    }
    take_jobs(r);
    // Wait for jobs other threads claimed; yield now and then, in case one of them was
    // descheduled on a busy machine.
    int spins = 0;
    while (atomic_load_explicit(&pool.done, memory_order_acquire) < count) {
        KC_PAUSE();
        if (++spins % 1024 == 0) sched_yield();
    }
    atomic_store_explicit(&pool.busy, 0, memory_order_release);
    return 0;
}
