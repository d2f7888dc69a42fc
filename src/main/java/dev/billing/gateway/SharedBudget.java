package dev.billing.gateway;

import dev.billing.support.EngineThreads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account's budget shared by every process on one database: {@code max-concurrency} and {@code max-tps} mean the
 * whole account, however many nodes call the gateway at once.
 *
 * <p>The budget is {@code max-concurrency} slots, each a PostgreSQL session-level advisory lock. A process makes a
 * call only under a slot it holds, on a connection of its own; so the calls in flight on all nodes together never
 * outnumber the slots. A slot is taken when calls wait and let go when the process has made no call for a while, so
 * one node alone has the whole account; nodes that call at the same time share it evenly (each holds at most its
 * share, the slots divided by the nodes that called in the last seconds, which each node announces in
 * {@code gateway_budget_nodes}). A node dead in any way holds nothing: PostgreSQL ends its session and its locks.
 * The start rate follows the slots: a node holding {@code h} of {@code n} slots starts at most {@code max-tps * h / n}
 * calls a second (rounded down, at least one), so the nodes together start at most {@code max-tps} (when it is at
 * least one call a second per node).
 *
 * <p>Between the housekeeping rounds (every 100 ms, or at once when a call waits for a slot) a call costs no database
 * work: it takes and gives back a local permit, one per slot held.
 */
public final class SharedBudget implements CallBudget {

    private static final Logger log = LoggerFactory.getLogger(SharedBudget.class);
    /** The first key of the gateway slots' advisory locks: "GATE". */
    static final int LOCK_CLASS = 0x47415445;
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long ROUND_MILLIS = 100;

    private final DataSource dataSource;
    /** The account whose budget this is: its slots are locks of its own class, its nodes rows of its own. */
    private final String account;
    private final int lockClass;
    private final int slots;
    private final int maxTps;
    private final String node;
    private final io.github.resilience4j.ratelimiter.RateLimiter rateLimiter;

    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition freed = lock.newCondition();
    private final Deque<Integer> held = new ArrayDeque<>();
    private int free;
    private int waiting;
    private long lastDemand = System.nanoTime() - IDLE_NANOS;
    private boolean closed;
    /** The most slots this node may use now: the slots divided by the nodes calling (set by each round). */
    private int share;

    private final Object roundSignal = new Object();
    private boolean roundWanted;
    private Connection connection;
    private final Thread housekeeper;

    public SharedBudget(DataSource dataSource, int maxConcurrency, int maxTps, String node, EngineThreads threads) {
        this(GatewayAccounts.DEFAULT, dataSource, maxConcurrency, maxTps, node, threads);
    }

    /** The budget of account {@code account}: one account's calls never wait for another's slots. */
    public SharedBudget(String account, DataSource dataSource, int maxConcurrency, int maxTps, String node, EngineThreads threads) {
        this.account = account;
        this.lockClass = lockClass(account);
        this.dataSource = dataSource;
        this.slots = maxConcurrency;
        this.maxTps = maxTps;
        this.node = node;
        this.rateLimiter = StartRate.limiter(maxTps <= 0 ? 0 : Math.max(1, maxTps / maxConcurrency));
        this.housekeeper = threads.thread(account.equals(GatewayAccounts.DEFAULT) ? "gateway-budget" : "gateway-budget-" + account, this::keepHouse);
        housekeeper.start();
    }

    /** The first key of an account's slot locks: {@link #LOCK_CLASS} for the default account, one of its own for each other. */
    static int lockClass(String account) {
        return account.equals(GatewayAccounts.DEFAULT) ? LOCK_CLASS : LOCK_CLASS + 1 + Math.floorMod(account.hashCode(), 1 << 20);
    }

    @Override
    public void acquire() throws InterruptedException {
        lock.lock();
        try {
            lastDemand = System.nanoTime();
            waiting++;
            try {
                // a node over its share (another began calling) lets its calls in flight fall to the share, and the
                // housekeeper gives the extra slots back: a busy node's own calls never take them first
                while (free <= 0 || held.size() - free >= share) {
                    if (closed) {
                        throw new IllegalStateException("the gateway budget is closed");
                    }
                    wakeHousekeeper();
                    freed.await(ROUND_MILLIS, TimeUnit.MILLISECONDS);
                }
            } finally {
                waiting--;
            }
            free--;
        } finally {
            lock.unlock();
        }
        StartRate.await(rateLimiter);
    }

    @Override
    public void release() {
        lock.lock();
        try {
            lastDemand = System.nanoTime();
            free++;
            freed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Slots this process holds now (for tests and the console). */
    public int held() {
        lock.lock();
        try {
            return held.size();
        } finally {
            lock.unlock();
        }
    }

    private void wakeHousekeeper() {
        synchronized (roundSignal) {
            roundWanted = true;
            roundSignal.notifyAll();
        }
    }

    private void keepHouse() {
        while (true) {
            synchronized (roundSignal) {
                if (!roundWanted) {
                    try {
                        roundSignal.wait(ROUND_MILLIS);
                    } catch (InterruptedException e) {
                        break;
                    }
                }
                roundWanted = false;
            }
            if (isClosed()) {
                break;
            }
            try {
                round();
            } catch (SQLException | RuntimeException e) {
                lost(e);
            }
        }
        letGoOfEverything();
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** One housekeeping round: announce demand, work out this node's share, take or let go of slots to match it. */
    private void round() throws SQLException {
        boolean demand;
        lock.lock();
        try {
            demand = waiting > 0 || System.nanoTime() - lastDemand < IDLE_NANOS || free < held.size();
        } finally {
            lock.unlock();
        }
        if (!demand && held() == 0) {
            if (connection != null) {
                // idle, no slot held: leave the nodes that share the budget, and give the session back to the pool
                withdraw();
                closeConnection();
            }
            return;
        }
        Connection c = connection();
        int share = 0;
        if (demand) {
            try (PreparedStatement announce = c.prepareStatement("""
                    INSERT INTO gateway_budget_nodes (account, node, active_until) VALUES (?, ?, now() + interval '5 seconds')
                    ON CONFLICT (account, node) DO UPDATE SET active_until = excluded.active_until""")) {
                announce.setString(1, account);
                announce.setString(2, node);
                announce.executeUpdate();
            }
            try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM gateway_budget_nodes WHERE account = ? AND active_until > now()")) {
                count.setString(1, account);
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    int active = Math.max(1, rs.getInt(1));
                    share = (slots + active - 1) / active;
                }
            }
            lock.lock();
            try {
                this.share = share;
                freed.signalAll();
            } finally {
                lock.unlock();
            }
        }
        int have = held();
        if (have < share) {
            take(c, share - have);
        } else if (have > share) {
            giveBack(c, have - share);
        }
        int now = held();
        if (rateLimiter != null && now > 0) {
            rateLimiter.changeLimitForPeriod(Math.max(1, (int) ((long) maxTps * now / slots)));
        }
    }

    /** Tries the slots from a random one on, taking up to {@code wanted} that no other session holds. */
    private void take(Connection c, int wanted) throws SQLException {
        int start = ThreadLocalRandom.current().nextInt(slots);
        int taken = 0;
        try (PreparedStatement tryLock = c.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
            for (int i = 0; i < slots && taken < wanted; i++) {
                int slot = (start + i) % slots;
                if (holds(slot)) {
                    continue;
                }
                tryLock.setInt(1, lockClass);
                tryLock.setInt(2, slot);
                try (ResultSet rs = tryLock.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        lock.lock();
                        try {
                            held.push(slot);
                            free++;
                            freed.signalAll();
                        } finally {
                            lock.unlock();
                        }
                        taken++;
                    }
                }
            }
        }
    }

    private boolean holds(int slot) {
        lock.lock();
        try {
            return held.contains(slot);
        } finally {
            lock.unlock();
        }
    }

    /** Lets go of up to {@code extra} slots, only ones no call of this process is using. */
    private void giveBack(Connection c, int extra) throws SQLException {
        try (PreparedStatement unlock = c.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
            for (int i = 0; i < extra; i++) {
                int slot;
                lock.lock();
                try {
                    if (free <= 0 || held.isEmpty()) { // below zero: calls from before a lost session still in flight
                        return;
                    }
                    free--;
                    slot = held.pop();
                } finally {
                    lock.unlock();
                }
                unlock.setInt(1, lockClass);
                unlock.setInt(2, slot);
                unlock.execute();
            }
        }
    }

    private void withdraw() {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM gateway_budget_nodes WHERE node = ? AND account = ?")) {
            delete.setString(1, node);
            delete.setString(2, account);
            delete.executeUpdate();
        } catch (SQLException e) {
            lost(e);
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
        }
        return connection;
    }

    /**
     * The connection holding the slots failed: its locks may be gone already, so no new call starts under them. The
     * calls in flight finish; permits they give back beyond the slots held are not handed out again.
     */
    private void lost(Exception e) {
        log.warn("The gateway budget lost its database session ({}); no call starts until its slots are taken again", e.toString());
        lock.lock();
        try {
            int inFlight = held.size() - free;
            held.clear();
            free = -Math.max(0, inFlight);
        } finally {
            lock.unlock();
        }
        closeConnection();
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the session is gone either way
            }
            connection = null;
        }
    }

    private void letGoOfEverything() {
        if (connection != null) {
            try {
                try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock_all()")) {
                    unlock.execute();
                }
                withdraw();
                connection.close();
            } catch (SQLException e) {
                log.debug("closing the gateway budget's session: {}", e.toString());
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            freed.signalAll();
        } finally {
            lock.unlock();
        }
        wakeHousekeeper();
        try {
            housekeeper.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
