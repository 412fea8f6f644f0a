# Sourced by bin/beit4j and bin/test: native-library settings chosen from this host, never hard-coded.
# Every variable can be overridden by setting it before calling the script.

# OpenBLAS 0.3.19 (bundled with ND4J 1.0.0-M2.1) misdetects recent CPUs as "Prescott" and runs slow
# generic kernels. Pick the kernel family from the CPU's flags.
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -r /proc/cpuinfo ]; then
  _flags=$(grep -m1 '^flags' /proc/cpuinfo)
  _vendor=$(grep -m1 '^vendor_id' /proc/cpuinfo)
  case "$_flags" in
    *avx512f*avx512bw*|*avx512bw*avx512f*) export OPENBLAS_CORETYPE=SkylakeX ;;
    *avx2*)
      case "$_vendor" in
        *AMD*) export OPENBLAS_CORETYPE=Zen ;;
        *) export OPENBLAS_CORETYPE=Haswell ;;
      esac ;;
  esac
  unset _flags _vendor
fi

# Threads for ND4J's native ops. A SameDiff training step spends a large share of its time in
# single-threaded Java bookkeeping; on a 2-core host 1 OMP thread beat 2 (see docs/benchmarks.md).
# So leave one core to the JVM: cores - 1, at least 1.
if [ -z "${OMP_NUM_THREADS:-}" ]; then
  _cores=$(nproc 2>/dev/null || echo 1)
  _threads=$((_cores > 1 ? _cores - 1 : 1))
  export OMP_NUM_THREADS=$_threads
  unset _cores _threads
fi

# Heap an eighth of RAM (at least 2 GiB); ND4J's off-heap arrays up to three eighths (maxbytes).
# Measured: with a quarter and a half, the full demo's fine-tuning grew to 22 GiB resident on a
# 24 GiB machine (ND4J frees arrays only when the garbage collector runs, so both pools fill up)
# and the kernel's OOM killer stopped it.
# maxphysicalbytes=0: no resident-size check. JavaCPP's check reads /proc/self/statm on every
# native allocation, and a SameDiff step allocates every op's output afresh (about 1000 per
# pretraining step) (docs/benchmarks.md, "Pretraining step"). maxbytes does NOT bound ND4J's
# array buffers in M2.1 (libnd4j allocates them outside JavaCPP's count, docs/performance.md): the
# full recipe's evaluation still grew to 24 GiB and was killed; the pipeline now frees its largest
# temporaries itself and asks for a garbage collection after every stage (pipeline.Stages).
if [ -z "${BEIT4J_JAVA_MEM:-}" ]; then
  _mem_kb=$(awk '/^MemTotal/ {print $2}' /proc/meminfo 2>/dev/null || echo 8388608)
  _heap_mb=$((_mem_kb / 1024 / 8)); [ "$_heap_mb" -lt 2048 ] && _heap_mb=2048
  _off_mb=$((_mem_kb / 1024 * 3 / 8))
  BEIT4J_JAVA_MEM="-Xmx${_heap_mb}m -Dorg.bytedeco.javacpp.maxbytes=${_off_mb}m -Dorg.bytedeco.javacpp.maxphysicalbytes=0"
  unset _mem_kb _heap_mb _off_mb
fi
export BEIT4J_JAVA_MEM

# glibc malloc: serve op outputs (MBs each, allocated and freed ~1000 times a step) from the heap
# instead of fresh mmap'd pages. By default blocks above the mmap threshold get new pages from the
# kernel each time and fault them in; a 5 MB allocation measured 7-30 ms that way against 0.3-0.6
# ms with these settings on a loaded 2-core host (docs/benchmarks.md, "Pretraining step").
export MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-268435456}
export MALLOC_TRIM_THRESHOLD_=${MALLOC_TRIM_THRESHOLD_:-1073741824}
export MALLOC_TOP_PAD_=${MALLOC_TOP_PAD_:-67108864}
