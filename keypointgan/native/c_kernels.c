/*
 * KeypointGAN native helper: the conv engine of the native TF.js backend, compiled at first
 * use by keypointgan/native/helper.ts when a C compiler is available. Without a compiler the
 * pure-JS engine in prims_js.ts computes the same products (same formulas; sums may differ in
 * the last bits because the chunking differs).
 *
 * Why C: the patch copies (im2col/col2im) are ~5x faster than in JS, and it lets every core
 * run its own chunk: copy patches into a cache-resident buffer, then a single-threaded
 * OpenBLAS sgemm on it. Measured here, two such workers reach 113-141 GFLOP/s on the conv
 * shapes where OpenBLAS's own 2-thread sgemm gives 70-110.
 *
 * Determinism: results depend only on the shapes and the chunk size, never on the thread count:
 * every BLAS call covers the same rows whatever the threads (a grid fixed by the geometry), and
 * sums split into parts use a fixed part count, added in part order.
 * Build flags keep IEEE semantics: no -ffast-math, no FMA contraction (the direct convolution
 * uses explicit FMA instructions where the CPU has them: fixed per build, whatever the threads).
 */
#define _GNU_SOURCE /* dladdr, RTLD_NODELETE */
#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KPG_VERSION 18
#define MAX_THREADS 64

/* Conv geometry, same fields and order as ConvGeometry in conv.ts. */
typedef struct {
  int32_t batch, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, padTop, padLeft;
} geom_t;

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *,
                         int, float, float *, int);
static sgemm_fn sgemm;
enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

/* ---------------------------------------------------------------- thread pool */

/* Work is cut into `nparts` parts that the calling thread and the workers claim from an
   atomic counter. On a busy machine a worker may not be scheduled for milliseconds: the caller
   then simply does every part itself instead of waiting at a barrier. Results never depend on
   which thread ran a part (scratch is per thread, partial sums per part). */
typedef void (*task_fn)(void *ctx, int part, int nparts, int tid);
static int nthreads = 1;
static pthread_t workers[MAX_THREADS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv_start = PTHREAD_COND_INITIALIZER;
static task_fn cur_fn;
static void *cur_ctx;
static int cur_parts;
static unsigned published; /* job generation, under mu */
static _Atomic uint64_t job_word; /* (generation << 32) | next part */
static _Atomic int done_parts;     /* parts of the current job finished */

/* Claim and run parts of job `gen` until none is left. */
static void claim_parts(unsigned gen, task_fn fn, void *ctx, int nparts, int tid) {
  for (;;) {
    uint64_t w = atomic_load(&job_word);
    if ((unsigned)(w >> 32) != gen || (int)(w & 0xffffffffu) >= nparts) return;
    if (atomic_compare_exchange_weak(&job_word, &w, w + 1)) {
      fn(ctx, (int)(w & 0xffffffffu), nparts, tid);
      atomic_fetch_add(&done_parts, 1);
    }
  }
}

static void *worker_main(void *arg) {
  const int tid = (int)(intptr_t)arg;
  unsigned seen = 0;
  for (;;) {
    pthread_mutex_lock(&mu);
    while (published == seen) pthread_cond_wait(&cv_start, &mu);
    seen = published;
    task_fn fn = cur_fn;
    void *ctx = cur_ctx;
    int nparts = cur_parts;
    pthread_mutex_unlock(&mu);
    claim_parts(seen, fn, ctx, nparts, tid);
  }
  return 0;
}

static void run_parts_locked(task_fn fn, void *ctx, int nparts);

/* One job at a time: several Deno isolates (workers, test modules) share this library. */
static pthread_mutex_t job_mu = PTHREAD_MUTEX_INITIALIZER;

/* Run fn over `nparts` parts (the caller is thread 0) and return when all are done. */
static void run_parts(task_fn fn, void *ctx, int nparts) {
  if (nthreads == 1 || nparts <= 1) {
    for (int p = 0; p < nparts; p++) fn(ctx, p, nparts, 0);
    return;
  }
  pthread_mutex_lock(&job_mu);
  run_parts_locked(fn, ctx, nparts);
  pthread_mutex_unlock(&job_mu);
}

static void run_parts_locked(task_fn fn, void *ctx, int nparts) {
  pthread_mutex_lock(&mu);
  const unsigned gen = ++published;
  cur_fn = fn;
  cur_ctx = ctx;
  cur_parts = nparts;
  atomic_store(&done_parts, 0);
  atomic_store(&job_word, (uint64_t)gen << 32);
  pthread_cond_broadcast(&cv_start);
  pthread_mutex_unlock(&mu);
  claim_parts(gen, fn, ctx, nparts, 0);
  /* Wait only for parts a worker claimed and is still running; a worker that wakes up late
     finds nothing left to claim and never touches this job. */
  while (atomic_load(&done_parts) < nparts) sched_yield();
}

/* Parts for n elements of memory-bound work: ≥ 32 Ki elements each, a few per thread. */
static int parts_for(int64_t n) {
  if (nthreads == 1 || n < 65536) return 1;
  int64_t p = n / 32768;
  return (int)(p < 4 * nthreads ? p : 4 * nthreads);
}

/* Patch buffers: one per OS thread (workers, and every JS thread that calls in), grown on
   demand and kept. */
static _Thread_local float *tl_cols;
static _Thread_local size_t tl_cols_cap;

static float *grow(float **buf, size_t *cap, size_t n) {
  if (*cap < n) {
    free(*buf);
    *buf = aligned_alloc(64, (n * sizeof(float) + 63) & ~(size_t)63);
    *cap = *buf ? n : 0;
  }
  return *buf;
}

static float *cols_scratch(size_t n) { return grow(&tl_cols, &tl_cols_cap, n); }

/* Partial sums of the filter gradient, one per part (parts > 1 only run inside run_parts,
   which admits one job at a time). */
static float *partials[MAX_THREADS];
static size_t partials_cap[MAX_THREADS];

static float *partial_scratch(int part, size_t n) { return grow(&partials[part], &partials_cap[part], n); }

/* [lo, hi) of `total` items for thread tid of T (contiguous, balanced). */
static void split(int total, int tid, int T, int *lo, int *hi) {
  *lo = (int)((int64_t)total * tid / T);
  *hi = (int)((int64_t)total * (tid + 1) / T);
}

/* ---------------------------------------------------------------- patches */

static void im2col(const float *x, const geom_t *g, int row0, int rows, float *cols) {
  const int C = g->inC, kW = g->kW, run = kW * C;
  float *d = cols;
  for (int row = row0; row < row0 + rows; row++) {
    const int b = row / g->outH, oy = row - b * g->outH;
    for (int ox = 0; ox < g->outW; ox++) {
      const int ix0 = ox * g->strideW - g->padLeft;
      const int kx0 = ix0 < 0 ? -ix0 : 0;
      const int kx1 = (g->inW - ix0) < kW ? (g->inW - ix0) : kW;
      for (int ky = 0; ky < g->kH; ky++, d += run) {
        const int iy = oy * g->strideH + ky - g->padTop;
        if (iy < 0 || iy >= g->inH || kx1 <= kx0) {
          memset(d, 0, sizeof(float) * run);
          continue;
        }
        if (kx0 > 0) memset(d, 0, sizeof(float) * kx0 * C);
        const float *s = x + ((size_t)(b * g->inH + iy) * g->inW + ix0 + kx0) * C;
        memcpy(d + kx0 * C, s, sizeof(float) * (kx1 - kx0) * C);
        if (kx1 < kW) memset(d + kx1 * C, 0, sizeof(float) * (kW - kx1) * C);
      }
    }
  }
}

static void col2im(const float *cols, const geom_t *g, int row0, int rows, float *dx) {
  const int C = g->inC, kW = g->kW, run = kW * C;
  const float *d = cols;
  for (int row = row0; row < row0 + rows; row++) {
    const int b = row / g->outH, oy = row - b * g->outH;
    for (int ox = 0; ox < g->outW; ox++) {
      const int ix0 = ox * g->strideW - g->padLeft;
      const int kx0 = ix0 < 0 ? -ix0 : 0;
      const int kx1 = (g->inW - ix0) < kW ? (g->inW - ix0) : kW;
      for (int ky = 0; ky < g->kH; ky++, d += run) {
        const int iy = oy * g->strideH + ky - g->padTop;
        if (iy < 0 || iy >= g->inH || kx1 <= kx0) continue;
        float *t = dx + ((size_t)(b * g->inH + iy) * g->inW + ix0 + kx0) * C;
        const float *s = d + kx0 * C;
        const int n = (kx1 - kx0) * C;
        for (int j = 0; j < n; j++) t[j] += s[j];
      }
    }
  }
}

/* ---------------------------------------------------------------- conv products */

typedef struct {
  const float *a, *b;
  const geom_t *g;
  float *out;
  int chunk_rows;
} conv_ctx;

static int patch_k(const geom_t *g) { return g->kH * g->kW * g->inC; }

/* The GEMM calls of a patch product are cut on a grid fixed by the geometry and the chunk size
   alone: every call has the same M (rows · outW) whatever the thread count. The bits of a GEMM
   row depend on M: OpenBLAS runs small products (M·N·K ≤ 100³ on SkylakeX) through separate
   "small matrix" kernels that round differently, so a thread-dependent cut (a run's last,
   short chunk) changed the result with the thread count (bench/bits_probe.ts found it). */

/* y = im2col(x) · w  (a = x, b = w [K, outC], out = y): parts are runs of whole grid chunks */
static void im2col_product_task(void *p, int part, int nparts, int tid) {
  const conv_ctx *c = p;
  const geom_t *g = c->g;
  const int K = patch_k(g), CO = g->outC, total = g->batch * g->outH;
  const int chunks = (total + c->chunk_rows - 1) / c->chunk_rows;
  int k0, k1;
  split(chunks, part, nparts, &k0, &k1);
  float *cols = cols_scratch((size_t)c->chunk_rows * g->outW * K);
  for (int k = k0; k < k1; k++) {
    const int row = k * c->chunk_rows;
    const int rows = total - row < c->chunk_rows ? total - row : c->chunk_rows;
    im2col(c->a, g, row, rows, cols);
    sgemm(ROW_MAJOR, NO_TRANS, NO_TRANS, rows * g->outW, CO, K, 1.0f, cols, K, c->b, CO, 0.0f,
          c->out + (size_t)row * g->outW * CO, CO);
  }
}

/* The scatter's grid: chunks of whole images when a chunk holds one or more, else each image
   cut into chunk_rows pieces; parts are runs of whole groups (disjoint scatter targets). */
static int col2im_group_images(const geom_t *g, int chunk_rows) {
  return chunk_rows >= g->outH ? chunk_rows / g->outH : 1;
}

/* out = col2im(a · bᵀ)  (a [rows·outW, outC], b [K, outC], out [batch, inH, inW, inC]) */
static void col2im_product_task(void *p, int part, int nparts, int tid) {
  const conv_ctx *c = p;
  const geom_t *g = c->g;
  const int K = patch_k(g), CO = g->outC;
  const int per = col2im_group_images(g, c->chunk_rows);
  const int groups = (g->batch + per - 1) / per;
  const int piece = per > 1 || c->chunk_rows >= g->outH ? per * g->outH : c->chunk_rows;
  int g0, g1;
  split(groups, part, nparts, &g0, &g1);
  const int b0 = g0 * per, b1 = g1 * per < g->batch ? g1 * per : g->batch;
  const size_t img = (size_t)g->inH * g->inW * g->inC;
  memset(c->out + b0 * img, 0, sizeof(float) * img * (b1 - b0));
  float *cols = cols_scratch((size_t)piece * g->outW * K);
  for (int b = b0; b < b1; b += per) {
    const int end = (b + per < g->batch ? b + per : g->batch) * g->outH;
    for (int row = b * g->outH; row < end; row += piece) {
      const int rows = end - row < piece ? end - row : piece;
      sgemm(ROW_MAJOR, NO_TRANS, TRANS, rows * g->outW, K, CO, 1.0f,
            c->a + (size_t)row * g->outW * CO, CO, c->b, CO, 0.0f, cols, K);
      col2im(cols, g, row, rows, c->out);
    }
  }
}

/* dw = im2col(x)ᵀ · dy  (a = x, b = dy, out = dw [K, outC]); per-thread partial sums */
static void im2col_gradient_task(void *p, int part, int nparts, int tid) {
  const conv_ctx *c = p;
  const geom_t *g = c->g;
  const int K = patch_k(g), CO = g->outC;
  int lo, hi;
  split(g->batch * g->outH, part, nparts, &lo, &hi);
  float *acc = part == 0 ? c->out : partial_scratch(part, (size_t)K * CO);
  float *cols = cols_scratch((size_t)c->chunk_rows * g->outW * K);
  if (lo >= hi) memset(acc, 0, sizeof(float) * K * CO);
  for (int row = lo; row < hi; row += c->chunk_rows) {
    const int rows = hi - row < c->chunk_rows ? hi - row : c->chunk_rows;
    im2col(c->a, g, row, rows, cols);
    sgemm(ROW_MAJOR, TRANS, NO_TRANS, K, CO, rows * g->outW, 1.0f, cols, K,
          c->b + (size_t)row * g->outW * CO, CO, row == lo ? 0.0f : 1.0f, acc, CO);
  }
}

static int chunk_rows_for(const geom_t *g, int chunk_floats) {
  int r = chunk_floats / (g->outW * patch_k(g));
  return r < 1 ? 1 : r;
}

/* Parts of a patch product: contiguous runs of whole grid chunks, a few per thread. */
static int conv_parts(const geom_t *g, int chunk_rows) {
  const int chunks = (g->batch * g->outH + chunk_rows - 1) / chunk_rows;
  const int most = 4 * nthreads < MAX_THREADS ? 4 * nthreads : MAX_THREADS;
  return nthreads == 1 ? 1 : chunks < most ? chunks : most;
}

void kpg_im2col_product(const float *x, const float *w, const geom_t *g, float *y, int32_t cf) {
  conv_ctx c = {x, w, g, y, chunk_rows_for(g, cf)};
  run_parts(im2col_product_task, &c, conv_parts(g, c.chunk_rows));
}

void kpg_col2im_product(const float *a, const float *b, const geom_t *g, float *out, int32_t cf) {
  conv_ctx c = {a, b, g, out, chunk_rows_for(g, cf)};
  const int per = col2im_group_images(g, c.chunk_rows);
  const int groups = (g->batch + per - 1) / per;
  const int most = 4 * nthreads < MAX_THREADS ? 4 * nthreads : MAX_THREADS;
  run_parts(col2im_product_task, &c, nthreads == 1 ? 1 : groups < most ? groups : most);
}

/* Parts of a filter gradient: a fixed count (not the thread count), so that the summation
   order, and with it every bit of dw, is the same for 1, 2 or 16 threads: a run's artifacts do
   not depend on --jobs or the machine's cores. */
#define GRAD_PARTS 8

void kpg_im2col_gradient(const float *x, const float *dy, const geom_t *g, float *dw,
                         int32_t cf) {
  conv_ctx c = {x, dy, g, dw, chunk_rows_for(g, cf)};
  const int chunks = (g->batch * g->outH + c.chunk_rows - 1) / c.chunk_rows;
  const int nparts = chunks < GRAD_PARTS ? chunks : GRAD_PARTS;
  if (nparts <= 1) {
    im2col_gradient_task(&c, 0, 1, 0);
    return;
  }
  pthread_mutex_lock(&job_mu); /* the partials are shared: hold the pool until summed */
  if (nthreads == 1) {
    for (int p = 0; p < nparts; p++) im2col_gradient_task(&c, p, nparts, 0);
  } else {
    run_parts_locked(im2col_gradient_task, &c, nparts);
  }
  /* Partial sums per part, added in part order: independent of scheduling. */
  const size_t n = (size_t)patch_k(g) * g->outC;
  for (int t = 1; t < nparts; t++) {
    const float *partial = partials[t];
    for (size_t i = 0; i < n; i++) dw[i] += partial[i];
  }
  pthread_mutex_unlock(&job_mu);
}

/* ---------------------------------------------------------------- direct convolution */

/* Convs with few channels (the 3→4 7×7 input conv, 4→3 output convs): an im2col GEMM has
   N = CO ≤ 4 columns, a shape BLAS runs at < 10 % of its peak. Here each image band is
   repacked to planar, zero-padded rows [C][rows][Wp] and the output row is vectorised along
   x: CO × NV vectors of accumulators, one FMA per (ci, ky, kx) with a broadcast weight.
   Every output element sums its taps in the same order (ci, ky, kx) whatever the split, and
   the filter gradient sums fixed parts in part order: results never depend on the threads. */

#if defined(__AVX512F__)
#include <immintrin.h>
#define VL 16
typedef __m512 vf;
static inline vf v_zero(void) { return _mm512_setzero_ps(); }
static inline vf v_load(const float *p) { return _mm512_loadu_ps(p); }
static inline void v_store(float *p, vf v) { _mm512_storeu_ps(p, v); }
static inline vf v_set1(float s) { return _mm512_set1_ps(s); }
static inline vf v_fma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
/* The first n lanes of p, zeros after (no load of the others: they may hold Inf/NaN). */
static inline vf v_load_first(const float *p, int n) {
  return _mm512_maskz_loadu_ps((__mmask16)((1u << n) - 1), p);
}
#elif defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define VL 8
typedef __m256 vf;
static inline vf v_zero(void) { return _mm256_setzero_ps(); }
static inline vf v_load(const float *p) { return _mm256_loadu_ps(p); }
static inline void v_store(float *p, vf v) { _mm256_storeu_ps(p, v); }
static inline vf v_set1(float s) { return _mm256_set1_ps(s); }
static inline vf v_fma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
static inline vf v_load_first(const float *p, int n) {
  float t[VL] = {0};
  memcpy(t, p, sizeof(float) * n);
  return _mm256_loadu_ps(t);
}
#else
#define VL 4
typedef float vf __attribute__((vector_size(16)));
static inline vf v_zero(void) { return (vf){0, 0, 0, 0}; }
static inline vf v_load(const float *p) { vf v; memcpy(&v, p, sizeof v); return v; }
static inline void v_store(float *p, vf v) { memcpy(p, &v, sizeof v); }
static inline vf v_set1(float s) { return (vf){s, s, s, s}; }
static inline vf v_fma(vf a, vf b, vf c) { return a * b + c; }
static inline vf v_load_first(const float *p, int n) {
  float t[VL] = {0};
  memcpy(t, p, sizeof(float) * n);
  return v_load(t);
}
#endif

/* A loaded vector stays in its register: without this GCC may fold the load into every FMA
   that uses it (one load per FMA instead of one per NC FMAs), which makes the tiles
   load-bound. */
static inline vf v_in_register(vf v) {
#if defined(__GNUC__) && (defined(__AVX2__) || defined(__AVX512F__))
  __asm__("" : "+v"(v));
#endif
  return v;
}

#define DC_NC 4 /* output channels per register block */
#define DC_NV 4 /* vectors along x per register block */
#define DG_KB 4 /* filter columns per register block of the gradient */

static _Thread_local float *tl_band, *tl_gacc;
static _Thread_local size_t tl_band_cap, tl_gacc_cap;

static int round_up(int n, int m) { return (n + m - 1) / m * m; }

/* Band geometry: output rows [oy0, oy0 + rows) of one image need input rows
   oy0 - padTop … + rows + kH - 1, each Wp = round_up(outW, VL) + kW - 1 wide (zero-padded). */
typedef struct { int rows, R, Wp, OWv; } band_t;

static band_t band_of(const geom_t *g, int rows) {
  band_t b = {rows, rows + g->kH - 1, 0, round_up(g->outW, VL)};
  b.Wp = b.OWv + g->kW - 1;
  return b;
}

/* d[ci·plane + i] = s[i·C + ci] for i < n (C a constant after inlining: vectorisable). */
static inline __attribute__((always_inline)) void deinterleave(const float *s, int n, float *d,
                                                               size_t plane, const int C) {
  for (int i = 0; i < n; i++)
    for (int ci = 0; ci < C; ci++) d[ci * plane + i] = s[i * C + ci];
}

/* deinterleave with C as a compile-time constant for the few-channel cases the direct
   convolution is for (both the input and dy bands are repacked through here). */
static void to_planar(const float *s, int n, float *d, size_t plane, int C) {
  switch (C) {
    case 1: memcpy(d, s, sizeof(float) * n); break;
    case 2: deinterleave(s, n, d, plane, 2); break;
    case 3: deinterleave(s, n, d, plane, 3); break;
    case 4: deinterleave(s, n, d, plane, 4); break;
    default: deinterleave(s, n, d, plane, C);
  }
}

/* xp [C][R][Wp] = zero-padded planar copy of image `img`'s input rows for output rows oy0… */
static void pack_input_band(const float *x, const geom_t *g, int img, int oy0, const band_t *bd,
                            float *xp) {
  const int C = g->inC, W = g->inW;
  const int c0 = g->padLeft > 0 ? g->padLeft : 0;
  const int c1 = g->padLeft + W < bd->Wp ? g->padLeft + W : bd->Wp;
  for (int r = 0; r < bd->R; r++) {
    const int iy = oy0 + r - g->padTop;
    for (int ci = 0; ci < C; ci++) {
      float *d = xp + ((size_t)ci * bd->R + r) * bd->Wp;
      if (iy < 0 || iy >= g->inH || c1 <= c0) {
        memset(d, 0, sizeof(float) * bd->Wp);
        continue;
      }
      memset(d, 0, sizeof(float) * c0);
      memset(d + c1, 0, sizeof(float) * (bd->Wp - c1));
    }
    if (iy < 0 || iy >= g->inH || c1 <= c0) continue;
    const float *s = x + ((size_t)(img * g->inH + iy) * W + (c0 - g->padLeft)) * C;
    float *d = xp + (size_t)r * bd->Wp + c0;
    const size_t plane = (size_t)bd->R * bd->Wp;
    to_planar(s, c1 - c0, d, plane, C);
  }
}

/* out [NC][NV·VL] = Σ_{ci, ky, kx} xp[ci][r0 + ky][ox0 + kx + …] · w[ky][kx][ci][co0 + c] */
static inline __attribute__((always_inline)) void fwd_tile(const float *xp, const band_t *bd,
                                                           int r0, int ox0, const float *w,
                                                           const geom_t *g, int co0, float *out,
                                                           const int NC, const int NV) {
  vf acc[DC_NC][DC_NV];
  for (int c = 0; c < NC; c++)
    for (int v = 0; v < NV; v++) acc[c][v] = v_zero();
  const int C = g->inC, CO = g->outC, kW = g->kW;
  for (int ci = 0; ci < C; ci++) {
    for (int ky = 0; ky < g->kH; ky++) {
      const float *row = xp + ((size_t)ci * bd->R + r0 + ky) * bd->Wp + ox0;
      const float *wk = w + ((size_t)ky * kW * C + ci) * CO + co0;
      for (int kx = 0; kx < kW; kx++, row++, wk += C * CO) {
        vf xv[DC_NV];
        for (int v = 0; v < NV; v++) xv[v] = v_in_register(v_load(row + v * VL));
        for (int c = 0; c < NC; c++) {
          const vf wv = v_set1(wk[c]);
          for (int v = 0; v < NV; v++) acc[c][v] = v_fma(xv[v], wv, acc[c][v]);
        }
      }
    }
  }
  for (int c = 0; c < NC; c++)
    for (int v = 0; v < NV; v++) v_store(out + (c * NV + v) * VL, acc[c][v]);
}

#define FWD_CASE(nc, nv) \
  case (nc) * 8 + (nv): fwd_tile(xp, bd, r0, ox0, w, g, co0, out, nc, nv); break;

static void fwd_tile_any(const float *xp, const band_t *bd, int r0, int ox0, const float *w,
                         const geom_t *g, int co0, float *out, int nc, int nv) {
  switch (nc * 8 + nv) {
    FWD_CASE(1, 1) FWD_CASE(1, 2) FWD_CASE(1, 3) FWD_CASE(1, 4)
    FWD_CASE(2, 1) FWD_CASE(2, 2) FWD_CASE(2, 3) FWD_CASE(2, 4)
    FWD_CASE(3, 1) FWD_CASE(3, 2) FWD_CASE(3, 3) FWD_CASE(3, 4)
    FWD_CASE(4, 1) FWD_CASE(4, 2) FWD_CASE(4, 3) FWD_CASE(4, 4)
  }
}

/* y rows [oy0, oy0 + rows) of image img, from its packed band. */
static void direct_forward_band(const float *xp, const band_t *bd, const float *w,
                                const geom_t *g, int img, int oy0, float *y) {
  const int CO = g->outC, OW = g->outW;
  float out[DC_NC * DC_NV * VL] __attribute__((aligned(64)));
  for (int r = 0; r < bd->rows; r++) {
    float *yrow = y + (size_t)(img * g->outH + oy0 + r) * OW * CO;
    for (int ox0 = 0; ox0 < OW; ox0 += DC_NV * VL) {
      const int nv = (OW - ox0 + VL - 1) / VL < DC_NV ? (OW - ox0 + VL - 1) / VL : DC_NV;
      const int n = OW - ox0 < nv * VL ? OW - ox0 : nv * VL;
      for (int co0 = 0; co0 < CO; co0 += DC_NC) {
        const int nc = CO - co0 < DC_NC ? CO - co0 : DC_NC;
        fwd_tile_any(xp, bd, r, ox0, w, g, co0, out, nc, nv);
        float *yp = yrow + (size_t)ox0 * CO + co0;
        for (int i = 0; i < n; i++, yp += CO)
          for (int c = 0; c < nc; c++) yp[c] = out[c * nv * VL + i];
      }
    }
  }
}

typedef struct {
  const float *a, *b;
  const geom_t *g;
  float *out;
} direct_ctx;

static void direct_forward_task(void *p, int part, int nparts, int tid) {
  const direct_ctx *c = p;
  const geom_t *g = c->g;
  int lo, hi;
  split(g->batch * g->outH, part, nparts, &lo, &hi);
  for (int row = lo; row < hi;) { /* one band per image segment */
    const int img = row / g->outH, oy0 = row - img * g->outH;
    const int rows = hi - row < g->outH - oy0 ? hi - row : g->outH - oy0;
    const band_t bd = band_of(g, rows);
    float *xp = grow(&tl_band, &tl_band_cap, (size_t)g->inC * bd.R * bd.Wp);
    pack_input_band(c->a, g, img, oy0, &bd, xp);
    direct_forward_band(xp, &bd, c->b, g, img, oy0, c->out);
    row += rows;
  }
}

/* y = conv(x, w) for stride-1 convs (any channels; meant for few). */
void kpg_direct_conv(const float *x, const float *w, const geom_t *g, float *y) {
  direct_ctx c = {x, w, g, y};
  const int rows = g->batch * g->outH;
  const int most = 4 * nthreads < MAX_THREADS ? 4 * nthreads : MAX_THREADS;
  run_parts(direct_forward_task, &c, nthreads == 1 ? 1 : rows < most ? rows : most);
}

/* dyp [CO][rows][OWv] = planar copy of dy's rows oy0… of image img (zero beyond outW). */
static void pack_output_band(const float *dy, const geom_t *g, int img, int oy0,
                             const band_t *bd, float *dyp) {
  const int CO = g->outC, OW = g->outW;
  for (int r = 0; r < bd->rows; r++) {
    const float *s = dy + (size_t)(img * g->outH + oy0 + r) * OW * CO;
    float *d = dyp + (size_t)r * bd->OWv;
    const size_t plane = (size_t)bd->rows * bd->OWv;
    for (int co = 0; co < CO; co++) memset(d + co * plane + OW, 0, sizeof(float) * (bd->OWv - OW));
    to_planar(s, OW, d, plane, CO);
  }
}

/* accv[tap, co] (VL lanes each) += Σ over the band of xp[ci][r + ky][ox + kx] · dyp[co][r][ox]
   for kx in kx0 … kx0 + KB - 1, co in co0 … co0 + NC - 1. The last, partial vector of a row
   loads only its valid x lanes (an Inf beyond the row must not become 0·Inf = NaN). */
static inline __attribute__((always_inline)) void grad_tile(const float *xp, const float *dyp,
                                                            const band_t *bd, const geom_t *g,
                                                            int r0, int r1, int ci, int ky,
                                                            int kx0, int co0, vf *accv,
                                                            const int KB, const int NC) {
  vf acc[DG_KB][DC_NC];
  for (int k = 0; k < KB; k++)
    for (int c = 0; c < NC; c++) acc[k][c] = v_zero();
  const int nfull = g->outW / VL, tail = g->outW - nfull * VL;
  const size_t dstride = (size_t)bd->rows * bd->OWv;
  for (int r = r0; r < r1; r++) {
    const float *xr = xp + ((size_t)ci * bd->R + r + ky) * bd->Wp + kx0;
    const float *dr = dyp + ((size_t)co0 * bd->rows + r) * bd->OWv;
    for (int v = 0; v < nfull; v++) {
      vf d[DC_NC];
      for (int c = 0; c < NC; c++) d[c] = v_in_register(v_load(dr + c * dstride + v * VL));
      for (int k = 0; k < KB; k++) {
        const vf xv = v_in_register(v_load(xr + v * VL + k));
        for (int c = 0; c < NC; c++) acc[k][c] = v_fma(xv, d[c], acc[k][c]);
      }
    }
    if (tail) {
      vf d[DC_NC];
      for (int c = 0; c < NC; c++) d[c] = v_load(dr + c * dstride + nfull * VL);
      for (int k = 0; k < KB; k++) {
        const vf xv = v_load_first(xr + nfull * VL + k, tail);
        for (int c = 0; c < NC; c++) acc[k][c] = v_fma(xv, d[c], acc[k][c]);
      }
    }
  }
  const int C = g->inC, CO = g->outC;
  for (int k = 0; k < KB; k++) {
    vf *a = accv + ((size_t)(ky * g->kW + kx0 + k) * C + ci) * CO + co0;
    for (int c = 0; c < NC; c++) a[c] = a[c] + acc[k][c];
  }
}

#define GRAD_CASE(kb, nc) \
  case (kb) * 8 + (nc): grad_tile(xp, dyp, bd, g, r0, r1, ci, ky, kx0, co0, accv, kb, nc); break;

static void grad_tile_any(const float *xp, const float *dyp, const band_t *bd, const geom_t *g,
                          int r0, int r1, int ci, int ky, int kx0, int co0, vf *accv, int kb,
                          int nc) {
  switch (kb * 8 + nc) {
    GRAD_CASE(1, 1) GRAD_CASE(1, 2) GRAD_CASE(1, 3) GRAD_CASE(1, 4)
    GRAD_CASE(2, 1) GRAD_CASE(2, 2) GRAD_CASE(2, 3) GRAD_CASE(2, 4)
    GRAD_CASE(3, 1) GRAD_CASE(3, 2) GRAD_CASE(3, 3) GRAD_CASE(3, 4)
    GRAD_CASE(4, 1) GRAD_CASE(4, 2) GRAD_CASE(4, 3) GRAD_CASE(4, 4)
  }
}

/* Output rows per band of the filter gradient: its dy and x rows stay in L1 while every tap
   block streams over them (a fixed number: it sets the summation order). */
#define DG_ROWS 16

static void direct_gradient_task(void *p, int part, int nparts, int tid) {
  const direct_ctx *c = p;
  const geom_t *g = c->g;
  const int C = g->inC, CO = g->outC, kW = g->kW;
  const size_t n = (size_t)g->kH * kW * C * CO;
  int lo, hi;
  split(g->batch * g->outH, part, nparts, &lo, &hi);
  vf *accv = (vf *)grow(&tl_gacc, &tl_gacc_cap, n * VL);
  for (size_t i = 0; i < n; i++) accv[i] = v_zero();
  for (int row = lo; row < hi;) { /* one packed band per image segment */
    const int img = row / g->outH, oy0 = row - img * g->outH;
    const int rows = hi - row < g->outH - oy0 ? hi - row : g->outH - oy0;
    const band_t bd = band_of(g, rows);
    const size_t nx = (size_t)C * bd.R * bd.Wp;
    float *xp = grow(&tl_band, &tl_band_cap, nx + (size_t)CO * rows * bd.OWv);
    float *dyp = xp + nx;
    pack_input_band(c->a, g, img, oy0, &bd, xp);
    pack_output_band(c->b, g, img, oy0, &bd, dyp);
    for (int r0 = 0; r0 < rows; r0 += DG_ROWS) { /* sub-bands that stay in L1 */
      const int r1 = rows - r0 < DG_ROWS ? rows : r0 + DG_ROWS;
      for (int ci = 0; ci < C; ci++)
        for (int ky = 0; ky < g->kH; ky++)
          for (int kx0 = 0; kx0 < kW; kx0 += DG_KB)
            for (int co0 = 0; co0 < CO; co0 += DC_NC)
              grad_tile_any(xp, dyp, &bd, g, r0, r1, ci, ky, kx0, co0, accv,
                            kW - kx0 < DG_KB ? kW - kx0 : DG_KB,
                            CO - co0 < DC_NC ? CO - co0 : DC_NC);
    }
    row += rows;
  }
  /* Lanes summed in lane order: one float per tap and output channel. */
  float *out = part == 0 ? c->out : partial_scratch(part, n);
  for (size_t i = 0; i < n; i++) {
    float lanes[VL] __attribute__((aligned(64)));
    v_store(lanes, accv[i]);
    float s = 0;
    for (int l = 0; l < VL; l++) s += lanes[l];
    out[i] = s;
  }
}

/* dw = ∂L/∂w of a stride-1 conv, directly; GRAD_PARTS fixed parts summed in part order. */
void kpg_direct_filter_gradient(const float *x, const float *dy, const geom_t *g, float *dw) {
  direct_ctx c = {x, dy, g, dw};
  const int rows = g->batch * g->outH;
  const int nparts = rows < GRAD_PARTS ? rows : GRAD_PARTS;
  pthread_mutex_lock(&job_mu); /* the partials are shared: hold the pool until summed */
  if (nthreads == 1 || nparts <= 1) {
    for (int p = 0; p < nparts; p++) direct_gradient_task(&c, p, nparts, 0);
  } else {
    run_parts_locked(direct_gradient_task, &c, nparts);
  }
  const size_t n = (size_t)g->kH * g->kW * g->inC * g->outC;
  for (int t = 1; t < nparts; t++) {
    const float *partial = partials[t];
    for (size_t i = 0; i < n; i++) dw[i] += partial[i];
  }
  pthread_mutex_unlock(&job_mu);
}

/* ---------------------------------------------------------------- parallel sgemm */

typedef struct {
  int tA, tB, M, N, K, lda, ldb, ldc;
  float alpha, beta;
  const float *A, *B;
  float *C;
} gemm_ctx;

static void sgemm_task(void *p, int part, int nparts, int tid) {
  const gemm_ctx *c = p;
  int lo, hi;
  split(c->M, part, nparts, &lo, &hi);
  if (lo >= hi) return;
  const float *A = c->A + (c->tA ? (size_t)lo : (size_t)lo * c->lda);
  sgemm(ROW_MAJOR, c->tA ? TRANS : NO_TRANS, c->tB ? TRANS : NO_TRANS, hi - lo, c->N, c->K,
        c->alpha, A, c->lda, c->B, c->ldb, c->beta, c->C + (size_t)lo * c->ldc, c->ldc);
}

/* Row-major C = alpha·op(A)·op(B) + beta·C, rows of C split into SGEMM_PARTS fixed blocks
   (not one per thread: a row's bits depend on the M of its call, see the patch products). */
#define SGEMM_PARTS 8
void kpg_sgemm(int32_t tA, int32_t tB, int32_t M, int32_t N, int32_t K, float alpha,
               const float *A, int32_t lda, const float *B, int32_t ldb, float beta, float *C,
               int32_t ldc) {
  gemm_ctx c = {tA, tB, M, N, K, lda, ldb, ldc, alpha, beta, A, B, C};
  const double flops = 2.0 * M * N * K;
  const int most = M / 16 < SGEMM_PARTS ? M / 16 : SGEMM_PARTS;
  run_parts(sgemm_task, &c, flops > 4e6 && most > 1 ? most : 1);
}

/* ---------------------------------------------------------------- elementwise */

/* Plans: 4 loop sizes, then 4 strides of a (or dst), then 4 strides of b (or src). */
typedef struct { int32_t n[4], a[4], b[4]; } plan_t;


typedef struct {
  int op;
  const float *x, *y2;
  void *out;
  const uint8_t *cond;
  int64_t n;
  float p0, p1;
  const plan_t *plan;
} ew_ctx;

static void range_of(int64_t n, int tid, int T, int64_t *lo, int64_t *hi) {
  *lo = n * tid / T;
  *hi = n * (tid + 1) / T;
}

static inline float unary_op(int op, float v, float p0, float p1) {
  switch (op) {
    case 0: return v < 0 ? 0.0f : v;
    case 1: return v < 0 ? 0.0f : v > 6 ? 6.0f : v;
    case 2: return v < 0 ? p0 * v : v;
    case 3: return v > 0 ? 1.0f : v != v ? v : p0;
    case 4: return fabsf(v);
    case 5: return -v;
    case 6: return v * v;
    case 7: return sqrtf(v);
    case 8: return 1.0f / sqrtf(v);
    case 9: return expf(v);
    case 10: return logf(v);
    case 11: return tanhf(v);
    case 12: return 1.0f / (1.0f + expf(-v));
    case 13: return 1.0f / v;
    case 14: return v >= 0 ? v : expf(v) - 1.0f;
    case 15: return v > p1 ? p1 : v < p0 ? p0 : v;
    case 16: return v > 0 ? 1.0f : v < 0 ? -1.0f : 0.0f;
    default: return p0;
  }
}

/* One loop per op so the compiler vectorises each (op is loop-invariant). */
#define UNARY_CASE(CODE, EXPR) \
  case CODE: for (int64_t i = lo; i < hi; i++) { const float v = x[i]; y[i] = (EXPR); } break;

static void unary_task(void *p, int part, int nparts, int tid) {
  const ew_ctx *c = p;
  int64_t lo, hi;
  range_of(c->n, part, nparts, &lo, &hi);
  const float *x = c->x, p0 = c->p0, p1 = c->p1;
  float *y = c->out;
  switch (c->op) {
    UNARY_CASE(0, v < 0 ? 0.0f : v)
    UNARY_CASE(2, v < 0 ? p0 * v : v)
    UNARY_CASE(3, v > 0 ? 1.0f : v != v ? v : p0)
    UNARY_CASE(4, fabsf(v))
    UNARY_CASE(5, -v)
    UNARY_CASE(6, v * v)
    UNARY_CASE(7, sqrtf(v))
    case 17:
      for (int64_t i = lo; i < hi; i++) y[i] = p0;
      break;
    default:
      for (int64_t i = lo; i < hi; i++) y[i] = unary_op(c->op, x[i], p0, p1);
  }
}

void kpg_unary(int32_t op, const float *x, float *y, int64_t n, float p0, float p1) {
  ew_ctx c = {op, x, 0, y, 0, n, p0, p1, 0};
  run_parts(unary_task, &c, parts_for(n));
}

static inline float binary_op(int op, float a, float b, float p0) {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return (a != a || b != b) ? a + b : a > b ? a : b;
    case 5: return (a != a || b != b) ? a + b : a < b ? a : b;
    case 6: return (a - b) * (a - b);
    case 7: return a < 0 ? b * a : a;
    case 8: return b > 0 ? a : b != b ? b : a * 0.0f;  /* ReLU gradient: dy·step(x) */
    case 9: return b > 0 ? a : a * p0;                 /* LeakyReLU gradient */
    case 10: return a > b;
    case 11: return a >= b;
    case 12: return a < b;
    case 13: return a <= b;
    case 14: return a == b;
    default: return a != b;
  }
}

/* The inner loop of a binary op over j in [j0, j1) of one plan row, for stride pairs
   (1,1), (1,0), (0,1) specialised so that they vectorise. */
#define BIN_ROW(OUT_T, EXPR)                                                          \
  do {                                                                                 \
    OUT_T *po = (OUT_T *)c->out + row * n3;                                            \
    if (s3a == 1 && s3b == 1)                                                          \
      for (int64_t j = j0; j < j1; j++) { const float a = pa[j], b = pb[j]; po[j] = (OUT_T)(EXPR); } \
    else if (s3a == 1 && s3b == 0)                                                     \
      for (int64_t j = j0; j < j1; j++) { const float a = pa[j], b = pb[0]; po[j] = (OUT_T)(EXPR); } \
    else if (s3a == 0 && s3b == 1)                                                     \
      for (int64_t j = j0; j < j1; j++) { const float a = pa[0], b = pb[j]; po[j] = (OUT_T)(EXPR); } \
    else                                                                               \
      for (int64_t j = j0; j < j1; j++) {                                              \
        const float a = pa[j * s3a], b = pb[j * s3b]; po[j] = (OUT_T)(EXPR);           \
      }                                                                                \
  } while (0)

/* A row block where one operand is contiguous over the whole block (rows × n3) and the other
   repeats the same n3-vector on every row (e.g. [B,H,W,C] op [C] with small C): process it as
   one flat loop against a pre-tiled copy of the vector, so short rows still vectorise. */
#define TILE 1024
static int tiled_block(const ew_ctx *c, int64_t row, int64_t rows, int64_t n3, int a_full) {
  const plan_t *pl = c->plan;
  if (n3 > 64 || TILE / n3 < 2) return 0;
  const int64_t i2 = row % pl->n[2], i1 = (row / pl->n[2]) % pl->n[1], i0 = row / ((int64_t)pl->n[1] * pl->n[2]);
  const float *pa = c->x + i0 * pl->a[0] + i1 * pl->a[1] + i2 * pl->a[2];
  const float *pb = c->y2 + i0 * pl->b[0] + i1 * pl->b[1] + i2 * pl->b[2];
  const float *full = a_full ? pa : pb, *vec = a_full ? pb : pa;
  float tile[TILE];
  const int64_t period = (TILE / n3) * n3;
  for (int64_t k = 0; k < period; k++) tile[k] = vec[k % n3];
  float *po = (float *)c->out + row * n3;
  const int64_t total = rows * n3;
  for (int64_t base = 0; base < total; base += period) {
    const int64_t w = total - base < period ? total - base : period;
    const float *f = full + base;
    float *o = po + base;
#define TILED(EXPR) for (int64_t j = 0; j < w; j++) { const float a = a_full ? f[j] : tile[j]; \
                                                     const float b = a_full ? tile[j] : f[j]; o[j] = (EXPR); }
    switch (c->op) {
      case 0: TILED(a + b) break;
      case 1: TILED(a - b) break;
      case 2: TILED(a * b) break;
      case 3: TILED(a / b) break;
      case 6: TILED((a - b) * (a - b)) break;
      default: TILED(binary_op(c->op, a, b, c->p0)) break;
    }
#undef TILED
  }
  return 1;
}

static void binary_task(void *p, int part, int nparts, int tid) {
  const ew_ctx *c = p;
  const plan_t *pl = c->plan;
  const int64_t n1 = pl->n[1], n2 = pl->n[2], n3 = pl->n[3];
  const int64_t s3a = pl->a[3], s3b = pl->b[3];
  int64_t lo, hi;
  if (n3 <= 64) { /* whole rows per thread */
    range_of(c->n / n3, part, nparts, &lo, &hi);
    lo *= n3;
    hi *= n3;
  } else {
    range_of(c->n, part, nparts, &lo, &hi);
  }
  const int op = c->op;
  /* Short rows with a per-row-constant vector operand: whole row ranges at once. */
  if (op < 10 && n3 <= 64 && lo % n3 == 0 && hi % n3 == 0) {
    const int a_full = s3a == 1 && pl->a[2] == n3 && s3b == 1 && pl->b[2] == 0;
    const int b_full = s3b == 1 && pl->b[2] == n3 && s3a == 1 && pl->a[2] == 0;
    if (a_full || b_full) {
      /* Runs of rows within one (i0, i1) block share the vector and are contiguous. */
      for (int64_t row = lo / n3; row < hi / n3;) {
        const int64_t end_of_block = (row / n2 + 1) * n2;
        const int64_t stop = end_of_block < hi / n3 ? end_of_block : hi / n3;
        if (!tiled_block(c, row, stop - row, n3, a_full)) break;
        row = stop;
        if (row == hi / n3) return;
      }
    }
  }
  while (lo < hi) {
    const int64_t row = lo / n3, j0 = lo - row * n3;
    const int64_t j1 = (hi - row * n3) < n3 ? (hi - row * n3) : n3;
    const int64_t i2 = row % n2, i1 = (row / n2) % n1, i0 = row / (n1 * n2);
    const float *pa = c->x + i0 * pl->a[0] + i1 * pl->a[1] + i2 * pl->a[2];
    const float *pb = c->y2 + i0 * pl->b[0] + i1 * pl->b[1] + i2 * pl->b[2];
    if (op >= 10) BIN_ROW(uint8_t, binary_op(op, a, b, 0));
    else if (op == 0) BIN_ROW(float, a + b);
    else if (op == 1) BIN_ROW(float, a - b);
    else if (op == 2) BIN_ROW(float, a * b);
    else if (op == 3) BIN_ROW(float, a / b);
    else if (op == 6) BIN_ROW(float, (a - b) * (a - b));
    else if (op == 8) BIN_ROW(float, b > 0 ? a : b != b ? b : a * 0.0f);
    else BIN_ROW(float, binary_op(op, a, b, c->p0));
    lo = row * n3 + j1;
  }
}

void kpg_binary(int32_t op, const float *a, const float *b, void *out, const plan_t *plan,
                float p0) {
  const int64_t n = (int64_t)plan->n[0] * plan->n[1] * plan->n[2] * plan->n[3];
  ew_ctx c = {op, a, b, out, 0, n, p0, 0, plan};
  int64_t parts = parts_for(n);
  if (plan->n[3] <= 64 && parts > n / plan->n[3]) parts = n / plan->n[3]; /* whole rows */
  run_parts(binary_task, &c, parts < 1 ? 1 : (int)parts);
}

static void select_task(void *p, int part, int nparts, int tid) {
  const ew_ctx *c = p;
  int64_t lo, hi;
  range_of(c->n, part, nparts, &lo, &hi);
  float *o = c->out;
  for (int64_t i = lo; i < hi; i++) o[i] = c->cond[i] ? c->x[i] : c->y2[i];
}

void kpg_select(const uint8_t *cond, const float *a, const float *b, float *out, int64_t n) {
  ew_ctx c = {0, a, b, out, cond, n, 0, 0, 0};
  run_parts(select_task, &c, parts_for(n));
}

/* ---------------------------------------------------------------- reductions */

/* Reductions and the normalisation's statistics passes cut x[o, r, i] into parts by o when
   there are at least as many o as parts, else by i in slices of ≥ 64: every (o, i) stays inside
   one part, so its sums run in r order whatever the threads. */
static int stat_parts(int64_t outer, int64_t red, int64_t inner) {
  int64_t parts = parts_for(outer * red * inner);
  const int64_t span = outer >= parts ? outer : inner / 64;
  if (parts > span) parts = span;
  return parts < 1 ? 1 : (int)parts;
}

static void stat_range(int64_t outer, int64_t inner, int part, int nparts, int64_t *o0,
                       int64_t *o1, int64_t *i0, int64_t *i1) {
  *o0 = 0, *o1 = outer, *i0 = 0, *i1 = inner;
  if (outer >= nparts) range_of(outer, part, nparts, o0, o1);
  else range_of(inner, part, nparts, i0, i1);
}

/* One part of a statistics pass: body(c, o, ib, w) for each o of the part and each block
   [ib, ib + w) of ≤ STAT_BLK of its i (the body's double accumulators fit in L1). */
enum { STAT_BLK = 256 };
typedef void (*stat_block_fn)(const void *c, int64_t o, int64_t ib, int64_t w);

static inline __attribute__((always_inline)) void stat_blocks(const void *c, int64_t outer,
                                                               int64_t inner, int part,
                                                               int nparts, stat_block_fn body) {
  int64_t o0, o1, i0, i1;
  stat_range(outer, inner, part, nparts, &o0, &o1, &i0, &i1);
  for (int64_t o = o0; o < o1; o++)
    for (int64_t ib = i0; ib < i1; ib += STAT_BLK)
      body(c, o, ib, (i1 - ib) < STAT_BLK ? (i1 - ib) : STAT_BLK);
}

typedef struct {
  int op;
  const float *x;
  float *out;
  int64_t outer, red, inner;
  double scale;
} red_ctx;

/* Reduce x[o, r, i] over r: double accumulators, fixed order (r ascending) as in the JS
   version; sums of contiguous rows (inner 1) in 8 lanes, combined in a fixed order. */
static void reduce_rows(const red_ctx *c, int64_t o0, int64_t o1) {
  for (int64_t o = o0; o < o1; o++) {
    const float *row = c->x + o * c->red;
    double a[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t r = 0;
    for (; r + 8 <= c->red; r += 8)
      for (int k = 0; k < 8; k++) a[k] += row[r + k];
    double sum = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
    for (; r < c->red; r++) sum += row[r];
    c->out[o] = (float)(sum * c->scale);
  }
}

static void reduce_stat_block(const void *p, int64_t o, int64_t ib, int64_t w) {
  const red_ctx *c = p;
  double acc[STAT_BLK];
  const float *base = c->x + o * c->red * c->inner + ib;
  const int first = c->op == 1 || c->op == 2;
  for (int64_t i = 0; i < w; i++) acc[i] = c->op == 0 ? 0.0 : c->op == 3 ? 1.0 : base[i];
  for (int64_t r = first; r < c->red; r++) {
    const float *row = base + r * c->inner;
    if (c->op == 0) for (int64_t i = 0; i < w; i++) acc[i] += row[i];
    else if (c->op == 3) for (int64_t i = 0; i < w; i++) acc[i] *= row[i];
    else if (c->op == 1)
      for (int64_t i = 0; i < w; i++) acc[i] = (row[i] > acc[i] || row[i] != row[i]) ? row[i] : acc[i];
    else
      for (int64_t i = 0; i < w; i++) acc[i] = (row[i] < acc[i] || row[i] != row[i]) ? row[i] : acc[i];
  }
  float *dst = c->out + o * c->inner + ib;
  const double s = c->op == 0 ? c->scale : 1.0;
  for (int64_t i = 0; i < w; i++) dst[i] = (float)(acc[i] * s);
}

static void reduce_task(void *p, int part, int nparts, int tid) {
  const red_ctx *c = p;
  if (c->inner == 1 && c->op == 0) {
    int64_t o0, o1, i0, i1;
    stat_range(c->outer, c->inner, part, nparts, &o0, &o1, &i0, &i1);
    reduce_rows(c, o0, o1);
  } else {
    stat_blocks(c, c->outer, c->inner, part, nparts, reduce_stat_block);
  }
}

void kpg_reduce(int32_t op, const float *x, float *out, int64_t outer, int64_t red,
                int64_t inner, double scale) {
  red_ctx c = {op, x, out, outer, red, inner, scale};
  run_parts(reduce_task, &c, stat_parts(outer, red, inner));
}

/* ---------------------------------------------------------------- normalisation */

/* x[o, r, i] normalised over r (BatchNorm: outer 1, InstanceNorm: outer = batch): statistics
   per (o, i) with the roundings of Mean, Sub, Square, Mean, Add, Sqrt (double sums in r order,
   each (o, i) inside one part: the same bits for any thread count), then y = (x − mean) / s. */
typedef struct {
  const float *x;
  float *y, *mean, *var, *sd;
  int64_t outer, red, inner;
  float eps;
} norm_ctx;

static void norm_stats_block(const void *p, int64_t o, int64_t ib, int64_t w) {
  const norm_ctx *c = p;
  double acc[STAT_BLK];
  const double scale = 1.0 / (double)c->red;
  const float *base = c->x + o * c->red * c->inner + ib;
  float *m = c->mean + o * c->inner + ib, *v = c->var + o * c->inner + ib;
  float *sd = c->sd + o * c->inner + ib;
  for (int64_t i = 0; i < w; i++) acc[i] = 0.0;
  for (int64_t r = 0; r < c->red; r++) {
    const float *row = base + r * c->inner;
    for (int64_t i = 0; i < w; i++) acc[i] += row[i];
  }
  for (int64_t i = 0; i < w; i++) m[i] = (float)(acc[i] * scale), acc[i] = 0.0;
  for (int64_t r = 0; r < c->red; r++) {
    const float *row = base + r * c->inner;
    for (int64_t i = 0; i < w; i++) {
      const float d = row[i] - m[i];
      acc[i] += (float)(d * d);
    }
  }
  for (int64_t i = 0; i < w; i++) {
    v[i] = (float)(acc[i] * scale);
    sd[i] = sqrtf(v[i] + c->eps);
  }
}

static void norm_stats_task(void *p, int part, int nparts, int tid) {
  const norm_ctx *c = p;
  stat_blocks(c, c->outer, c->inner, part, nparts, norm_stats_block);
}

/* One part of a pass over the outer × red rows of `inner` floats: body(c, row, at) for each row
   of the part, `at` the offset of its (o, ·) statistics. */
typedef void (*row_fn)(const void *c, int64_t row, int64_t at);

static inline __attribute__((always_inline)) void stat_rows(const void *c, int64_t outer,
                                                             int64_t red, int64_t inner,
                                                             int part, int nparts, row_fn body) {
  int64_t lo, hi;
  range_of(outer * red, part, nparts, &lo, &hi);
  for (int64_t row = lo; row < hi; row++) body(c, row, (row / red) * inner);
}

/* y = (x − mean) / s, rows of `inner` split over parts. */
static void norm_apply_row(const void *p, int64_t row, int64_t at) {
  const norm_ctx *c = p;
  const int64_t C = c->inner;
  const float *m = c->mean + at, *sd = c->sd + at, *xx = c->x + row * C;
  float *out = c->y + row * C;
  for (int64_t i = 0; i < C; i++) out[i] = (xx[i] - m[i]) / sd[i];
}

static void norm_apply_task(void *p, int part, int nparts, int tid) {
  const norm_ctx *c = p;
  stat_rows(c, c->outer, c->red, c->inner, part, nparts, norm_apply_row);
}

/* BatchNorm's statistics (outer 1, fewer than 128 channels: the most of a small-tier step's
   normalisations) would run as one part under stat_parts. Instead the rows are cut into a
   number of chunks that depends on the shape alone, each chunk's double sums go to its own
   slot, and the slots are added in chunk order: parallel, and the same bits for any thread
   count. 0 = use stat_parts. */
static int64_t row_chunks(int64_t outer, int64_t red, int64_t inner) {
  if (outer != 1 || inner >= 128) return 0;
  int64_t k = red * inner / 32768;
  if (k > 16) k = 16;
  return k >= 2 && red >= k ? k : 0;
}

typedef struct {
  const void *c; /* norm_ctx or affine_ctx */
  double *slots; /* chunks × width doubles (width = inner, or 2·inner for the gradient) */
  int pass;
} chunk_ctx;

/* Σ over chunks of slots[k, i], k ascending, into out[i] (i < width). */
static void add_slots(const double *slots, int64_t chunks, int64_t width, double *out) {
  for (int64_t i = 0; i < width; i++) {
    double s = 0.0;
    for (int64_t k = 0; k < chunks; k++) s += slots[k * width + i];
    out[i] = s;
  }
}

/* Pass 0: Σ x; pass 1: Σ (float)((x − mean)²), over chunk `part`'s rows, as norm_stats_block. */
static void norm_chunk_task(void *p, int part, int nparts, int tid) {
  const chunk_ctx *k = p;
  const norm_ctx *c = k->c;
  const int64_t C = c->inner;
  int64_t lo, hi;
  range_of(c->red, part, nparts, &lo, &hi);
  double *acc = k->slots + part * C;
  for (int64_t i = 0; i < C; i++) acc[i] = 0.0;
  for (int64_t r = lo; r < hi; r++) {
    const float *row = c->x + r * C;
    if (k->pass == 0) {
      for (int64_t i = 0; i < C; i++) acc[i] += row[i];
    } else {
      for (int64_t i = 0; i < C; i++) {
        const float d = row[i] - c->mean[i];
        acc[i] += (float)(d * d);
      }
    }
  }
}

/* 0 when the slots cannot be allocated: the caller then runs the one-part pass (another sum
   order, so other bits; only when malloc fails). */
static int norm_stats_chunked(const norm_ctx *c, int64_t chunks) {
  const int64_t C = c->inner;
  double *slots = malloc(sizeof(double) * (size_t)((chunks + 1) * C));
  if (!slots) return 0;
  double *tot = slots + chunks * C;
  const double scale = 1.0 / (double)c->red;
  chunk_ctx k = {c, slots, 0};
  run_parts(norm_chunk_task, &k, (int)chunks);
  add_slots(slots, chunks, C, tot);
  for (int64_t i = 0; i < C; i++) c->mean[i] = (float)(tot[i] * scale);
  k.pass = 1;
  run_parts(norm_chunk_task, &k, (int)chunks);
  add_slots(slots, chunks, C, tot);
  for (int64_t i = 0; i < C; i++) {
    c->var[i] = (float)(tot[i] * scale);
    c->sd[i] = sqrtf(c->var[i] + c->eps);
  }
  free(slots);
  return 1;
}

void kpg_normalize(const float *x, float *y, float *mean, float *var, float *sd, int64_t outer,
                   int64_t red, int64_t inner, float eps) {
  norm_ctx c = {x, y, mean, var, sd, outer, red, inner, eps};
  const int64_t chunks = row_chunks(outer, red, inner);
  if (!chunks || !norm_stats_chunked(&c, chunks))
    run_parts(norm_stats_task, &c, stat_parts(outer, red, inner));
  run_parts(norm_apply_task, &c, parts_for(outer * red * inner));
}

/* BatchNorm's affine and ReLU on top of kpg_normalize: z = y·gamma + beta (then max(z, 0) when
   `relu`, ReLU's gradient passing where z > 0), float32 ops as the Multiply, Add and Relu
   kernels; the gradient dx = gamma·((g − mean(g)) − y·mean(g·y)) / s, dgamma = Σ g·y,
   dbeta = Σ g with g the (masked) dz, sums in doubles in r order per (o, i) inside one part.
   kpg_normalize's gradient is the same with g = dz and no gamma (NULL: dx = ((g − mean(g)) −
   y·mean(g·y)) / s; no dgamma, dbeta). */
typedef struct {
  const float *dz, *y, *sd, *gamma, *beta;
  float *z, *dx, *dgamma, *dbeta, *m1, *m2;
  int64_t outer, red, inner;
  int relu;
} affine_ctx;

static inline float affine_at(const affine_ctx *c, float y, int64_t i) {
  return y * c->gamma[i] + c->beta[i];
}

static void affine_row(const void *p, int64_t row, int64_t at) {
  const affine_ctx *c = p;
  const int64_t C = c->inner;
  const float *y = c->y + row * C;
  float *z = c->z + row * C;
  for (int64_t i = 0; i < C; i++) {
    const float v = affine_at(c, y[i], i);
    z[i] = c->relu && v < 0 ? 0.0f : v;
  }
}

static void affine_task(void *p, int part, int nparts, int tid) {
  const affine_ctx *c = p;
  stat_rows(c, c->outer, c->red, c->inner, part, nparts, affine_row);
}

void kpg_affine_relu(const float *y, const float *gamma, const float *beta, float *z,
                     int64_t rows, int64_t inner, int32_t relu) {
  affine_ctx c = {NULL, y, NULL, gamma, beta, z, NULL, NULL, NULL, NULL, NULL, 1, rows, inner, relu};
  run_parts(affine_task, &c, parts_for(rows * inner));
}

static inline float masked_grad(const affine_ctx *c, float g, float y, int64_t i) {
  if (!c->relu) return g;
  const float v = affine_at(c, y, i);
  return v > 0 ? g : v != v ? v : g * 0.0f; /* as KpgReluGrad */
}

static void grad_stats_block(const void *p, int64_t o, int64_t ib, int64_t w) {
  const affine_ctx *c = p;
  double a1[STAT_BLK], a2[STAT_BLK];
  const int64_t off = o * c->red * c->inner + ib;
  for (int64_t i = 0; i < w; i++) a1[i] = 0.0, a2[i] = 0.0;
  for (int64_t r = 0; r < c->red; r++) {
    const float *dz = c->dz + off + r * c->inner, *y = c->y + off + r * c->inner;
    for (int64_t i = 0; i < w; i++) {
      const float g = masked_grad(c, dz[i], y[i], ib + i);
      a1[i] += g;
      a2[i] += (float)(g * y[i]);
    }
  }
  const int64_t at = o * c->inner + ib;
  for (int64_t i = 0; i < w; i++) {
    if (c->dbeta) c->dbeta[at + i] = (float)a1[i], c->dgamma[at + i] = (float)a2[i];
    c->m1[at + i] = (float)(a1[i] / (double)c->red);
    c->m2[at + i] = (float)(a2[i] / (double)c->red);
  }
}

static void grad_stats_task(void *p, int part, int nparts, int tid) {
  const affine_ctx *c = p;
  stat_blocks(c, c->outer, c->inner, part, nparts, grad_stats_block);
}

static void grad_apply_row(const void *p, int64_t row, int64_t at) {
  const affine_ctx *c = p;
  const int64_t C = c->inner;
  const float *dz = c->dz + row * C, *y = c->y + row * C;
  const float *m1 = c->m1 + at, *m2 = c->m2 + at, *sd = c->sd + at;
  float *dx = c->dx + row * C;
  if (c->gamma) {
    for (int64_t i = 0; i < C; i++) {
      const float g = masked_grad(c, dz[i], y[i], i);
      dx[i] = (c->gamma[i] * ((g - m1[i]) - y[i] * m2[i])) / sd[i];
    }
  } else {
    for (int64_t i = 0; i < C; i++) dx[i] = ((dz[i] - m1[i]) - y[i] * m2[i]) / sd[i];
  }
}

static void grad_apply_task(void *p, int part, int nparts, int tid) {
  const affine_ctx *c = p;
  stat_rows(c, c->outer, c->red, c->inner, part, nparts, grad_apply_row);
}

/* grad_stats_block's Σ g and Σ (float)(g·y) over chunk `part`'s rows (outer 1): slot
   [Σ g (inner), Σ g·y (inner)]. */
static void grad_chunk_task(void *p, int part, int nparts, int tid) {
  const chunk_ctx *k = p;
  const affine_ctx *c = k->c;
  const int64_t C = c->inner;
  int64_t lo, hi;
  range_of(c->red, part, nparts, &lo, &hi);
  double *a1 = k->slots + part * 2 * C, *a2 = a1 + C;
  for (int64_t i = 0; i < C; i++) a1[i] = 0.0, a2[i] = 0.0;
  for (int64_t r = lo; r < hi; r++) {
    const float *dz = c->dz + r * C, *y = c->y + r * C;
    for (int64_t i = 0; i < C; i++) {
      const float g = masked_grad(c, dz[i], y[i], i);
      a1[i] += g;
      a2[i] += (float)(g * y[i]);
    }
  }
}

static int grad_stats_chunked(const affine_ctx *c, int64_t chunks) {
  const int64_t C = c->inner;
  double *slots = malloc(sizeof(double) * (size_t)((chunks + 1) * 2 * C));
  if (!slots) return 0;
  double *tot = slots + chunks * 2 * C;
  chunk_ctx k = {c, slots, 0};
  run_parts(grad_chunk_task, &k, (int)chunks);
  add_slots(slots, chunks, 2 * C, tot);
  for (int64_t i = 0; i < C; i++) {
    const double a1 = tot[i], a2 = tot[C + i];
    if (c->dbeta) c->dbeta[i] = (float)a1, c->dgamma[i] = (float)a2;
    c->m1[i] = (float)(a1 / (double)c->red);
    c->m2[i] = (float)(a2 / (double)c->red);
  }
  free(slots);
  return 1;
}

static void run_grad(const affine_ctx *c) {
  const int64_t chunks = row_chunks(c->outer, c->red, c->inner);
  if (!chunks || !grad_stats_chunked(c, chunks))
    run_parts(grad_stats_task, (void *)c, stat_parts(c->outer, c->red, c->inner));
  run_parts(grad_apply_task, (void *)c, parts_for(c->outer * c->red * c->inner));
}

/* The gradient of kpg_normalize's y: dx = (dy − mean(dy) − y·mean(dy·y)) / s; `m1`, `m2`
   (outer × inner floats) are scratch. */
void kpg_normalize_grad(const float *dy, const float *y, const float *sd, float *dx, float *m1,
                        float *m2, int64_t outer, int64_t red, int64_t inner) {
  affine_ctx c = {dy, y, sd, NULL, NULL, NULL, dx, NULL, NULL, m1, m2, outer, red, inner, 0};
  run_grad(&c);
}

void kpg_affine_relu_grad(const float *dz, const float *y, const float *sd, const float *gamma,
                          const float *beta, float *dx, float *dgamma, float *dbeta, float *m1,
                          float *m2, int64_t outer, int64_t red, int64_t inner, int32_t relu) {
  affine_ctx c = {dz, y, sd, gamma, beta, NULL, dx, dgamma, dbeta, m1, m2, outer, red, inner, relu};
  run_grad(&c);
}

/* ---------------------------------------------------------------- skeleton edges */

/* β's edge images: out[be, y, x] = exp(negInv·dist) (or dist²) from pixel (grid[x], grid[y])
   to the segment pa[be]–pb[be], in the float32 roundings of the TF.js kernel chain; and the
   gradient w.r.t. both ends, summed per edge in doubles in row-major pixel order. Parts split
   edges, so every sum stays in one part (the same bits for any thread count). */
typedef struct {
  const float *dy, *pa, *pb, *grid;
  float *out, *dpa, *dpb;
  int64_t be, S;
  float neg_inv;
  int linear;
} edge_ctx;

/* Edge e's segment: start (ax, ay), direction (dx, dy), squared length sq (len2 ≥ 1e-6). */
typedef struct { float ax, ay, dx, dy, sq, len2; } seg_t;

static inline seg_t edge_seg(const edge_ctx *c, int64_t e) {
  seg_t s;
  s.ax = c->pa[2 * e], s.ay = c->pa[2 * e + 1];
  s.dx = c->pb[2 * e] - s.ax, s.dy = c->pb[2 * e + 1] - s.ay;
  s.sq = s.dx * s.dx + s.dy * s.dy, s.len2 = s.sq >= 1e-6f ? s.sq : 1e-6f;
  return s;
}

/* Pixel (grid[xi], ry + ay) against a segment (ryd = ry·dy): its projection t = clamp(q) with
   q = num / len2, the offset (ex, ey) from the nearest point, the exponent's argument and v. */
typedef struct { float rx, num, q, t, ex, ey, arg, v; } pix_t;

static inline __attribute__((always_inline)) pix_t edge_pixel(const edge_ctx *c, const seg_t *s,
                                                                float ry, float ryd, int64_t xi) {
  pix_t q;
  q.rx = c->grid[xi] - s->ax;
  q.num = q.rx * s->dx + ryd, q.q = q.num / s->len2;
  q.t = q.q < 0 ? 0.0f : q.q > 1 ? 1.0f : q.q;
  q.ex = q.rx - q.t * s->dx, q.ey = ry - q.t * s->dy;
  const float d2 = q.ex * q.ex + q.ey * q.ey;
  q.arg = c->linear ? sqrtf(d2 + 1e-6f) : d2;
  q.v = expf(q.arg * c->neg_inv);
  return q;
}

static void edges_task(void *p, int part, int nparts, int tid) {
  const edge_ctx *c = p;
  const int64_t S = c->S;
  int64_t lo, hi;
  range_of(c->be, part, nparts, &lo, &hi);
  for (int64_t e = lo; e < hi; e++) {
    const seg_t sg = edge_seg(c, e);
    float *out = c->out + e * S * S;
    for (int64_t yi = 0; yi < S; yi++) {
      const float ry = c->grid[yi] - sg.ay, ryd = ry * sg.dy;
      for (int64_t xi = 0; xi < S; xi++) out[yi * S + xi] = edge_pixel(c, &sg, ry, ryd, xi).v;
    }
  }
}

static void edges_grad_task(void *p, int part, int nparts, int tid) {
  const edge_ctx *c = p;
  const int64_t S = c->S;
  int64_t lo, hi;
  range_of(c->be, part, nparts, &lo, &hi);
  for (int64_t e = lo; e < hi; e++) {
    const seg_t sg = edge_seg(c, e);
    const float dx = sg.dx, dy = sg.dy, len2 = sg.len2;
    double gax = 0, gay = 0, gdx = 0, gdy = 0, glen2 = 0;
    const float *g = c->dy + e * S * S;
    for (int64_t yi = 0; yi < S; yi++) {
      const float ry = c->grid[yi] - sg.ay, ryd = ry * dy;
      for (int64_t xi = 0; xi < S; xi++) {
        const double gv = g[yi * S + xi];
        if (gv == 0) continue;
        const pix_t px = edge_pixel(c, &sg, ry, ryd, xi);
        const double darg = gv * px.v * c->neg_inv;
        const double dd2 = c->linear ? darg / (2.0 * px.arg) : darg;
        const double dex = 2 * dd2 * px.ex, dey = 2 * dd2 * px.ey;
        gdx -= dex * px.t, gdy -= dey * px.t;
        const double dq = px.q >= 0 && px.q <= 1 ? -(dex * dx + dey * dy) : 0.0;
        const double dnum = dq / len2;
        glen2 -= (dq * px.num) / ((double)len2 * len2);
        gdx += dnum * px.rx, gdy += dnum * ry;
        gax -= dex + dnum * dx, gay -= dey + dnum * dy;
      }
    }
    if (sg.sq >= 1e-6f) gdx += 2 * glen2 * dx, gdy += 2 * glen2 * dy;
    c->dpa[2 * e] = (float)(gax - gdx), c->dpa[2 * e + 1] = (float)(gay - gdy);
    c->dpb[2 * e] = (float)gdx, c->dpb[2 * e + 1] = (float)gdy;
  }
}

static int edge_parts(int64_t be, int64_t S) {
  int64_t parts = parts_for(be * S * S);
  return (int)(parts > be ? be : parts < 1 ? 1 : parts);
}

void kpg_skeleton_edges(const float *pa, const float *pb, const float *grid, float *out,
                        int64_t be, int64_t S, float neg_inv, int32_t linear) {
  edge_ctx c = {NULL, pa, pb, grid, out, NULL, NULL, be, S, neg_inv, linear};
  run_parts(edges_task, &c, edge_parts(be, S));
}

void kpg_skeleton_edges_grad(const float *dy, const float *pa, const float *pb,
                             const float *grid, float *dpa, float *dpb, int64_t be, int64_t S,
                             float neg_inv, int32_t linear) {
  edge_ctx c = {dy, pa, pb, grid, NULL, dpa, dpb, be, S, neg_inv, linear};
  run_parts(edges_grad_task, &c, edge_parts(be, S));
}

/* ---------------------------------------------------------------- copies */

typedef struct {
  float *dst;
  const float *src;
  const plan_t *plan;
} copy_ctx;

/* A 2-D transpose inside the last two loops (source contiguous along loop 2, destination
   along loop 3): copy 32×32 tiles so that reads and writes both stay in cache lines. */
static void transpose_tiles(const copy_ctx *c, int part, int nparts) {
  const plan_t *pl = c->plan;
  const int64_t n2 = pl->n[2], n3 = pl->n[3], tiles2 = (n2 + 31) / 32;
  const int64_t blocks = (int64_t)pl->n[0] * pl->n[1] * tiles2;
  int64_t lo, hi;
  range_of(blocks, part, nparts, &lo, &hi);
  for (int64_t blk = lo; blk < hi; blk++) {
    const int64_t t2 = blk % tiles2, i01 = blk / tiles2;
    const int64_t i1 = i01 % pl->n[1], i0 = i01 / pl->n[1];
    float *d = c->dst + i0 * pl->a[0] + i1 * pl->a[1];
    const float *s = c->src + i0 * pl->b[0] + i1 * pl->b[1];
    const int64_t a2 = pl->a[2], b3 = pl->b[3];
    const int64_t j2_end = (t2 + 1) * 32 < n2 ? (t2 + 1) * 32 : n2;
    for (int64_t t3 = 0; t3 < n3; t3 += 32) {
      const int64_t j3_end = t3 + 32 < n3 ? t3 + 32 : n3;
      for (int64_t j2 = t2 * 32; j2 < j2_end; j2++)
        for (int64_t j3 = t3; j3 < j3_end; j3++) d[j2 * a2 + j3] = s[j2 + j3 * b3];
    }
  }
}

static void copy_task(void *p, int part, int nparts, int tid) {
  const copy_ctx *c = p;
  const plan_t *pl = c->plan;
  if (pl->a[3] == 1 && pl->b[3] != 1 && pl->b[2] == 1 && pl->n[2] >= 8 && pl->n[3] >= 8) {
    transpose_tiles(c, part, nparts);
    return;
  }
  const int64_t rows = (int64_t)pl->n[0] * pl->n[1] * pl->n[2], n3 = pl->n[3];
  int64_t lo, hi;
  range_of(rows, part, nparts, &lo, &hi);
  if (lo >= hi) return;
  /* Walk rows with counters (no divisions per row); short contiguous rows copy inline. */
  int64_t i2 = lo % pl->n[2], i1 = (lo / pl->n[2]) % pl->n[1], i0 = lo / ((int64_t)pl->n[1] * pl->n[2]);
  const int contiguous = pl->a[3] == 1 && pl->b[3] == 1;
  for (int64_t row = lo; row < hi; row++) {
    float *d = c->dst + i0 * pl->a[0] + i1 * pl->a[1] + i2 * pl->a[2];
    const float *s = c->src + i0 * pl->b[0] + i1 * pl->b[1] + i2 * pl->b[2];
    if (contiguous && n3 <= 32) for (int64_t j = 0; j < n3; j++) d[j] = s[j];
    else if (contiguous) memcpy(d, s, sizeof(float) * n3);
    else for (int64_t j = 0; j < n3; j++) d[j * pl->a[3]] = s[j * pl->b[3]];
    if (++i2 == pl->n[2]) {
      i2 = 0;
      if (++i1 == pl->n[1]) i1 = 0, i0++;
    }
  }
}

void kpg_copy(float *dst, const float *src, const plan_t *plan) {
  copy_ctx c = {dst, src, plan};
  const int64_t n = (int64_t)plan->n[0] * plan->n[1] * plan->n[2] * plan->n[3];
  int64_t parts = parts_for(n);
  const int64_t rows = (int64_t)plan->n[0] * plan->n[1] * plan->n[2];
  if (parts > rows) parts = rows;
  run_parts(copy_task, &c, parts < 1 ? 1 : (int)parts);
}

/* ---------------------------------------------------------------- resizing */

/* geometry: batch, inH, inW, channels, outH, outW; index/weight tables from ops.ts. */
typedef struct {
  const int32_t *g;
  const float *src;
  float *dst;
  const int32_t *rlo, *rhi, *clo, *chi;
  const double *rf, *cf;
} resize_ctx;

/* The sizes of geometry g: input [·, inH, inW, C], output [·, outH, outW, C]. */
typedef struct { int64_t inH, inW, C, outH, outW; } rdims_t;

static rdims_t rdims_of(const int32_t *g) { return (rdims_t){g[1], g[2], g[3], g[4], g[5]}; }

/* The output rows [lo, hi) of a forward part (rows of all images, b·outH + r). */
static void rows_of_part(const resize_ctx *c, int part, int nparts, int64_t *lo, int64_t *hi) {
  range_of((int64_t)c->g[0] * c->g[4], part, nparts, lo, hi);
}

/* The images [b0, b1) of a gradient part, their dx zeroed (each part scatters into its own). */
static void images_of_part(const resize_ctx *c, const rdims_t *z, int part, int nparts,
                           int64_t *b0, int64_t *b1) {
  range_of(c->g[0], part, nparts, b0, b1);
  const int64_t image = z->inH * z->inW * z->C;
  memset(c->dst + *b0 * image, 0, sizeof(float) * (*b1 - *b0) * image);
}

static void bilinear_task(void *p, int part, int nparts, int tid) {
  const resize_ctx *c = p;
  const rdims_t z = rdims_of(c->g);
  const int64_t inH = z.inH, inW = z.inW, C = z.C, outH = z.outH, outW = z.outW;
  int64_t lo, hi;
  rows_of_part(c, part, nparts, &lo, &hi);
  for (int64_t row = lo; row < hi; row++) {
    const int64_t b = row / outH, r = row - b * outH;
    const float *top = c->src + (b * inH + c->rlo[r]) * inW * C;
    const float *bot = c->src + (b * inH + c->rhi[r]) * inW * C;
    const double rf = c->rf[r];
    float *y = c->dst + row * outW * C;
    for (int64_t col = 0; col < outW; col++, y += C) {
      const float *tl = top + c->clo[col] * C, *tr = top + c->chi[col] * C;
      const float *bl = bot + c->clo[col] * C, *br = bot + c->chi[col] * C;
      const double cf = c->cf[col];
      for (int64_t d = 0; d < C; d++) {
        const double t = tl[d] + ((double)tr[d] - tl[d]) * cf;
        const double u = bl[d] + ((double)br[d] - bl[d]) * cf;
        y[d] = (float)(t + (u - t) * rf);
      }
    }
  }
}

/* Adjoint of bilinear_task: scatter-add, whole images per thread (disjoint targets). */
static void bilinear_grad_task(void *p, int part, int nparts, int tid) {
  const resize_ctx *c = p;
  const rdims_t z = rdims_of(c->g);
  const int64_t inH = z.inH, inW = z.inW, C = z.C, outH = z.outH, outW = z.outW;
  int64_t b0, b1;
  images_of_part(c, &z, part, nparts, &b0, &b1);
  for (int64_t b = b0; b < b1; b++) {
    for (int64_t r = 0; r < outH; r++) {
      float *top = c->dst + (b * inH + c->rlo[r]) * inW * C;
      float *bot = c->dst + (b * inH + c->rhi[r]) * inW * C;
      const double rf = c->rf[r];
      const float *dy = c->src + (b * outH + r) * outW * C;
      for (int64_t col = 0; col < outW; col++, dy += C) {
        const double cf = c->cf[col];
        const double wtl = (1 - rf) * (1 - cf), wtr = (1 - rf) * cf, wbl = rf * (1 - cf), wbr = rf * cf;
        float *tl = top + c->clo[col] * C, *tr = top + c->chi[col] * C;
        float *bl = bot + c->clo[col] * C, *br = bot + c->chi[col] * C;
        for (int64_t d = 0; d < C; d++) {
          const double v = dy[d];
          tl[d] = (float)(tl[d] + v * wtl);
          tr[d] = (float)(tr[d] + v * wtr);
          bl[d] = (float)(bl[d] + v * wbl);
          br[d] = (float)(br[d] + v * wbr);
        }
      }
    }
  }
}

/* Parts of a resize: output rows (forward), whole images (gradient: scatter targets). */
static int row_parts(const int32_t *g) {
  int64_t parts = parts_for((int64_t)g[0] * g[4] * g[5] * g[3]);
  if (parts > (int64_t)g[0] * g[4]) parts = (int64_t)g[0] * g[4];
  return parts < 1 ? 1 : (int)parts;
}

static int image_parts(const int32_t *g) {
  int64_t parts = parts_for((int64_t)g[0] * g[4] * g[5] * g[3]);
  if (parts > g[0]) parts = g[0];
  return parts < 1 ? 1 : (int)parts;
}

void kpg_resize_bilinear(const int32_t *g, const float *x, float *y, const int32_t *rlo,
                         const int32_t *rhi, const double *rf, const int32_t *clo,
                         const int32_t *chi, const double *cf) {
  resize_ctx c = {g, x, y, rlo, rhi, clo, chi, rf, cf};
  run_parts(bilinear_task, &c, row_parts(g));
}

void kpg_resize_bilinear_grad(const int32_t *g, const float *dy, float *dx, const int32_t *rlo,
                              const int32_t *rhi, const double *rf, const int32_t *clo,
                              const int32_t *chi, const double *cf) {
  resize_ctx c = {g, dy, dx, rlo, rhi, clo, chi, rf, cf};
  run_parts(bilinear_grad_task, &c, image_parts(g));
}

static void nearest_task(void *p, int part, int nparts, int tid) {
  const resize_ctx *c = p;
  const rdims_t z = rdims_of(c->g);
  const int64_t inH = z.inH, inW = z.inW, C = z.C, outH = z.outH, outW = z.outW;
  int64_t lo, hi;
  rows_of_part(c, part, nparts, &lo, &hi);
  for (int64_t row = lo; row < hi; row++) {
    const int64_t b = row / outH, r = row - b * outH;
    const float *src = c->src + (b * inH + c->rlo[r]) * inW * C;
    float *y = c->dst + row * outW * C;
    for (int64_t col = 0; col < outW; col++) memcpy(y + col * C, src + c->clo[col] * C, sizeof(float) * C);
  }
}

static void nearest_grad_task(void *p, int part, int nparts, int tid) {
  const resize_ctx *c = p;
  const rdims_t z = rdims_of(c->g);
  const int64_t inH = z.inH, inW = z.inW, C = z.C, outH = z.outH, outW = z.outW;
  int64_t b0, b1;
  images_of_part(c, &z, part, nparts, &b0, &b1);
  for (int64_t b = b0; b < b1; b++) {
    for (int64_t r = 0; r < outH; r++) {
      float *dst = c->dst + (b * inH + c->rlo[r]) * inW * C;
      const float *dy = c->src + (b * outH + r) * outW * C;
      for (int64_t col = 0; col < outW; col++, dy += C) {
        float *t = dst + c->clo[col] * C;
        for (int64_t d = 0; d < C; d++) t[d] += dy[d];
      }
    }
  }
}

void kpg_resize_nearest(const int32_t *g, const float *x, float *y, const int32_t *rows,
                        const int32_t *cols) {
  resize_ctx c = {g, x, y, rows, 0, cols, 0, 0, 0};
  run_parts(nearest_task, &c, row_parts(g));
}

void kpg_resize_nearest_grad(const int32_t *g, const float *dy, float *dx, const int32_t *rows,
                             const int32_t *cols) {
  resize_ctx c = {g, dy, dx, rows, 0, cols, 0, 0, 0};
  run_parts(nearest_grad_task, &c, image_parts(g));
}

/* ---------------------------------------------------------------- setup */

/* Load cblas_sgemm from the BLAS library the TS side opened, pin OpenBLAS to one thread
   (we parallelise ourselves) and start T-1 workers. Returns 0 on success. */
int32_t kpg_init(const char *blas_path, int32_t threads) {
  if (sgemm) return 0;
  /* Our worker threads outlive any one Deno isolate (e.g. one test module): never let a
     dlclose unmap this library or OpenBLAS under them. */
  Dl_info self;
  if (dladdr((void *)kpg_init, &self) && self.dli_fname) dlopen(self.dli_fname, RTLD_NOW | RTLD_NODELETE);
  void *lib = dlopen(blas_path, RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE);
  if (!lib) return 1;
  sgemm = (sgemm_fn)dlsym(lib, "cblas_sgemm");
  if (!sgemm) return 2;
  void (*set_threads)(int) = (void (*)(int))dlsym(lib, "openblas_set_num_threads");
  if (set_threads) set_threads(1);
  nthreads = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
  for (int t = 1; t < nthreads; t++) {
    if (pthread_create(&workers[t], 0, worker_main, (void *)(intptr_t)t) != 0) {
      nthreads = t;
      break;
    }
  }
  return 0;
}

int32_t kpg_threads(void) { return nthreads; }

/* ABI check: the loader refuses a library whose version differs from helper.ts's. */
int32_t kpg_version(void) { return KPG_VERSION; }
