package io.raftkv.client.load;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.raftkv.client.ChannelFactory;
import io.raftkv.client.KvStream;
import io.raftkv.client.SessionIds;
import io.raftkv.client.Trailers;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Runs one bench: raw async gRPC stubs over {@code conns} channels, {@code inflight} slots each
 * with one request at a time and, for raftkv writes, its own client id and sequence (see
 * {@link Slot}). The requests are raftkv's or etcd's ({@link BenchProtocol}); everything else,
 * channels, slots, histogram and report, is the same for both, so their figures compare.
 * A closed loop re-sends from the completion callback; an open loop sends on a 1 ms tick at the
 * configured rate and measures latency from each op's intended start (so a stalled server shows
 * as latency, not as a slower arrival rate).
 *
 * <p>One scheduler thread drives the ticks, the once-a-second progress line and the stop; all
 * else runs on gRPC's transport threads. Single use: {@link #run()} once.
 */
public final class BenchRunner {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  /** How long a closed-loop slot waits after a failed op before its next. */
  public static final long ERROR_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final BenchConfig config;
  private final ChannelFactory channelFactory;
  private final PrintStream progress;
  private final Recorder recorder = new Recorder(3);
  private final Histogram total = new Histogram(3);
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final LongAdder errorCount = new LongAdder();
  private final LongAdder warmupOps = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final AtomicInteger outstanding = new AtomicInteger();
  private final AtomicLong opsBudget;
  private final AtomicLong lastCompletionNanos = new AtomicLong();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private final List<SeriesPoint> series = new ArrayList<>();
  private final ScheduledThreadPoolExecutor scheduler;
  private final List<ManagedChannel> channels = new ArrayList<>();
  /** The channels' own event loops (see {@link #eventLoops()}); null until the first Netty channel. */
  private MultiThreadIoEventLoopGroup eventLoops;
  private ArrayBlockingQueue<Slot> freeSlots;

  private volatile boolean stopping;
  private long startNanos;
  private long warmupEndNanos;
  private long measureEndNanos;
  private long openLoopIssued;
  private long cpuStartNanos = -1;
  private long lastProgressErrors;
  private Histogram intervalHistogram;

  public BenchRunner(BenchConfig config, ChannelFactory channelFactory, PrintStream progress) {
    this.config = config;
    this.channelFactory = channelFactory;
    this.progress = progress;
    this.opsBudget = new AtomicLong(config.ops());
    this.scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "raftkv-bench-ticker");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Runs the bench and returns its report; blocks for warmup + duration plus the drain. */
  public BenchReport run() throws InterruptedException {
    try {
      List<Slot> slots = setUp();
      startNanos = System.nanoTime();
      warmupEndNanos = startNanos + config.warmup().toNanos();
      measureEndNanos = config.duration() == null ? Long.MAX_VALUE : warmupEndNanos + config.duration().toNanos();
      lastCompletionNanos.set(warmupEndNanos);
      scheduler.schedule(this::startMeasuring, config.warmup().toNanos(), TimeUnit.NANOSECONDS);
      scheduler.scheduleAtFixedRate(this::progressLine, SECOND, SECOND, TimeUnit.NANOSECONDS);
      if (config.openLoop()) {
        freeSlots = new ArrayBlockingQueue<>(slots.size(), false, slots);
        scheduler.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.MILLISECONDS);
      } else {
        outstanding.set(slots.size());
        for (Slot slot : slots) {
          continueOrFinish(slot);
        }
      }
      awaitDrained();
      long cpuEnd = processCpuNanos();
      scheduler.shutdownNow();
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
      synchronized (total) {
        intervalHistogram = recorder.getIntervalHistogram(intervalHistogram);
        total.add(intervalHistogram);
      }
      return report(cpuEnd);
    } finally {
      scheduler.shutdownNow();
      for (ManagedChannel channel : channels) {
        channel.shutdownNow();
      }
      for (ManagedChannel channel : channels) {
        channel.awaitTermination(2, TimeUnit.SECONDS);
      }
      if (eventLoops != null) {
        eventLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      }
    }
  }

  private List<Slot> setUp() {
    List<KvStream> streams = new ArrayList<>();
    for (int i = 0; i < config.conns(); i++) {
      String target = config.targets().get(i % config.targets().size());
      // Direct executor: completions run on the transport thread that read them, no hand-off.
      ManagedChannelBuilder<?> builder = channelFactory.newBuilder(target).directExecutor().disableRetry();
      ScheduledExecutorService timers = scheduler;
      if (builder instanceof NettyChannelBuilder netty) {
        netty.eventLoopGroup(eventLoops()).channelType(socketChannelType());
        // Request timers on the connection's own event loop (one loop a connection), as gRPC's are.
        timers = eventLoops();
      }
      ManagedChannel channel = builder.build();
      channels.add(channel);
      // The bench does not retry: once a stream ends (the server went away), its later ops fail.
      streams.add(config.streams() ? new KvStream(channel, timers, () -> { }) : null);
    }
    Workload workload = new Workload(config);
    SplittableRandom seeds = new SplittableRandom(config.seed());
    // Random, not from the seed: a repeated run must not reuse the sessions of the last one.
    long baseClientId = SessionIds.randomBaseId();
    List<Slot> slots = new ArrayList<>(config.inflight());
    for (int i = 0; i < config.inflight(); i++) {
      slots.add(new Slot(this, channels.get(i % channels.size()), streams.get(i % channels.size()), workload,
          seeds.split(), config.requestTimeout().toNanos(), SessionIds.slotClientId(baseClientId, i)));
    }
    return slots;
  }

  /**
   * One event loop a connection, up to the cores, shared by nothing else. gRPC schedules each
   * call's deadline timer on its channel's event loop group; with gRPC's default group (twice the
   * cores) the timer lands on another thread than the call's, and waking that thread took a fifth
   * of the client's CPU. With one loop a connection the timer is set on the thread that sends.
   */
  private MultiThreadIoEventLoopGroup eventLoops() {
    if (eventLoops == null) {
      int threads = Math.min(config.conns(), Runtime.getRuntime().availableProcessors());
      eventLoops = Epoll.isAvailable()
          ? new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory())
          : new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    }
    return eventLoops;
  }

  private static Class<? extends Channel> socketChannelType() {
    return Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  private void awaitDrained() throws InterruptedException {
    // Bounded: every op has a deadline, and the run has a duration or an op count.
    long limitNanos = config.warmup().toNanos() + BenchConfig.DURATION_MAX.toNanos() + config.requestTimeout().toNanos();
    try {
      drained.get(limitNanos, TimeUnit.NANOSECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("bench did not drain", e);
    }
  }

  /** Called on the scheduler when warmup ends. */
  private void startMeasuring() {
    cpuStartNanos = processCpuNanos();
  }

  /** Open loop: sends the ops that have come due. Runs on the scheduler thread only. */
  private void tick() {
    if (stopping) {
      return;
    }
    long now = System.nanoTime();
    if (now >= measureEndNanos) {
      stop();
      return;
    }
    long due = (long) ((now - startNanos) / 1e9 * config.rate());
    while (openLoopIssued < due) {
      long intended = startNanos + (long) (openLoopIssued * 1e9 / config.rate());
      openLoopIssued++;
      if (!mayIssue(intended)) {
        stop();
        return;
      }
      Slot slot = freeSlots.poll();
      if (slot == null) {
        if (intended >= warmupEndNanos) {
          skipped.increment();
        }
        continue;
      }
      outstanding.incrementAndGet();
      slot.sendAt(intended);
    }
  }

  /** Whether an op starting at {@code startNanos} may be sent; consumes the op budget. */
  private boolean mayIssue(long start) {
    if (stopping) {
      return false;
    }
    if (start < warmupEndNanos) {
      return true;
    }
    if (config.duration() != null) {
      return start < measureEndNanos;
    }
    return opsBudget.decrementAndGet() >= 0;
  }

  private void stop() {
    stopping = true;
    if (outstanding.get() == 0) {
      drained.complete(null);
    }
  }

  /** Every op ends here, on a transport thread. */
  void completed(Slot slot, long opStartNanos, Throwable error) {
    long now = System.nanoTime();
    if (opStartNanos < warmupEndNanos) {
      warmupOps.increment();
    } else if (error == null) {
      recorder.recordValue(Math.max(1, (now - opStartNanos) / 1000));
      lastCompletionNanos.accumulateAndGet(now, Math::max);
    } else {
      errors.computeIfAbsent(label(error), label -> new LongAdder()).increment();
      errorCount.increment();
      lastCompletionNanos.accumulateAndGet(now, Math::max);
    }
    if (config.openLoop()) {
      freeSlots.offer(slot);
      finishOne();
      return;
    }
    if (error != null) {
      // A refused or broken op is usually answered at once, and so would the next one be: without
      // a pause a dead server turns the closed loop into a busy loop of millions of errors a second.
      scheduler.schedule(() -> continueOrFinish(slot), ERROR_PAUSE_NANOS, TimeUnit.NANOSECONDS);
      return;
    }
    continueOrFinish(slot);
  }

  /** Closed loop: the slot sends another op if the run allows one, else it is done. */
  private void continueOrFinish(Slot slot) {
    long start = System.nanoTime();
    if (mayIssue(start)) {
      slot.next(start);
    } else {
      stopping = true;
      finishOne();
    }
  }

  private void finishOne() {
    if (outstanding.decrementAndGet() == 0 && stopping) {
      drained.complete(null);
    }
  }

  /** "UNAVAILABLE:NO_LEADER", or just the status when there is no raftkv-error trailer. */
  static String label(Throwable error) {
    Status status = Status.fromThrowable(error);
    Metadata trailers = Status.trailersFromThrowable(error);
    String code = trailers == null ? null : trailers.get(Trailers.ERROR_CODE);
    return code == null || code.isBlank() ? status.getCode().name() : status.getCode().name() + ":" + code.trim();
  }

  /** Once a second on the scheduler: one line on the progress stream and a series point. */
  private void progressLine() {
    long now = System.nanoTime();
    if (now < warmupEndNanos) {
      progress.printf("[warmup %3ds] %d ops so far%n", (now - startNanos) / SECOND, warmupOps.sum());
      return;
    }
    Histogram interval;
    double p99SoFar;
    synchronized (total) {
      intervalHistogram = recorder.getIntervalHistogram(intervalHistogram);
      interval = intervalHistogram;
      total.add(interval);
      p99SoFar = total.getValueAtPercentile(99) / 1000.0;
    }
    long errorsNow = errorCount.sum();
    long second = Math.max(1, Math.round((now - warmupEndNanos) / 1e9));
    SeriesPoint point = new SeriesPoint(second, interval.getTotalCount(),
        interval.getValueAtPercentile(50) / 1000.0, interval.getValueAtPercentile(99) / 1000.0,
        interval.getMaxValue() / 1000.0, errorsNow - lastProgressErrors);
    lastProgressErrors = errorsNow;
    if (series.size() < BenchConfig.DURATION_MAX.toSeconds()) {
      series.add(point);
    }
    progress.printf("[%4ds] %9.0f ops/s  p99 %8.3f ms  p99 so far %8.3f ms  errors %d%n",
        second, point.opsPerSec(), point.p99Ms(), p99SoFar, errorsNow);
  }

  private BenchReport report(long cpuEndNanos) {
    double seconds = Math.max(1e-9, (lastCompletionNanos.get() - warmupEndNanos) / 1e9);
    long ops = total.getTotalCount();
    Map<String, Long> errorTotals = new LinkedHashMap<>();
    errors.forEach((label, count) -> errorTotals.put(label, count.sum()));
    long cpuStart = cpuStartNanos >= 0 ? cpuStartNanos : cpuEndNanos;
    double cpuSeconds = Math.max(0, cpuEndNanos - cpuStart) / 1e9;
    double cpuShare = cpuSeconds / (seconds * Runtime.getRuntime().availableProcessors());
    return new BenchReport(config, ops, seconds, ops / seconds,
        millis(total, 50), millis(total, 90), millis(total, 99), millis(total, 99.9),
        total.getMaxValue() / 1000.0, ops == 0 ? 0 : total.getMean() / 1000.0,
        errorTotals, skipped.sum(), cpuSeconds, cpuShare, series);
  }

  private static double millis(Histogram histogram, double percentile) {
    return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1000.0;
  }

  /** The whole process's CPU time; -1 where the JVM does not report it. */
  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }
}
