// Mycelium 0.7.x router timers, costs and wire sizes, each checked against threefoldtech/mycelium at
// tag v0.7.3 (the version zos's networkd runs). Leaves out the data plane (TUN, encryption, queues).

/** Hello every 20 s to every peer (router.rs HELLO_INTERVAL, start_periodic_hello_sender). */
export const helloIntervalS = 20;
/** Interval field of IHUs, 3 × hello (router.rs IHU_INTERVAL); informational, no timer uses it here. */
export const ihuIntervalS = 3 * helloIntervalS;
/** Interval advertised in updates and own-subnet re-announcement period, 300 s (router.rs UPDATE_INTERVAL, ROUTE_PROPAGATION_INTERVAL). */
export const updateIntervalS = 5 * ihuIntervalS;
/** A peer is dead after 2 hellos + 3 s without an IHU: 43 s (router.rs DEAD_PEER_THRESHOLD). */
export const deadPeerThresholdS = 2 * helloIntervalS + 3;
/** The dead-peer check runs every 10 s (router.rs DEAD_PEER_CHECK_INTERVAL, check_for_dead_peers). */
export const deadPeerCheckIntervalS = 10;
/** A source bumps its seqno at most once per 4 s (router.rs SEQNO_BUMP_TIMEOUT). */
export const seqnoBumpTimeoutS = 4;
/** A forwarded seqno request is not forwarded again within 60 s (router.rs handle_incoming_seqno_request). */
export const seqnoForwardHoldS = 60;
/** Seqno cache entries live 60 s (seqno_cache.rs SEQNO_DEDUP_TTL). */
export const seqnoDedupTtlS = 60;
/** Hop count a seqno request starts with (babel/seqno_request.rs DEFAULT_HOP_COUNT). */
export const seqnoRequestHopCount = 64;
/** A metric change above 10 triggers an update (router.rs BIG_METRIC_CHANGE_TRESHOLD). */
export const bigMetricChange = 10;
/** Switch to another route only if it is better by more than 10, or direct (router.rs SIGNIFICANT_METRIC_IMPROVEMENT, find_best_route). */
export const significantImprovement = 10;
/** Retracted routes are held 6 s, then purged (router.rs RETRACTED_ROUTE_HOLD_TIME, route_hold_time). */
export const retractedHoldS = 6;
/** A finite route is held 3.5 × the advertised interval (router.rs route_hold_time): 1050 s for 300 s. */
export const routeHoldFactor = 3.5;
/** Route requests at generation 16 are no longer forwarded (router.rs MAX_RR_GENERATION). */
export const maxRouteRequestGeneration = 16;
/** A queried subnet waits 15 s for an answer (router.rs ROUTE_QUERY_TIMEOUT). */
export const routeQueryTimeoutS = 15;
/**
 * Then 0.7.3 marks it "no route" for 5 s (routing_table.rs NO_ROUTE_EXPIRATION), answering route
 * requests with a retraction; 0.7.5 dropped that state (commit 430b7f9, "Remove NoRoute status for
 * subnets"): the subnet is unknown again at once and the next packet asks anew.
 */
export const noRouteExpirationS = { '0.7.3': 5, '0.7.5': 0 } as const;
/**
 * How long a route request cache entry stops repeats to the same peers (rr_cache.rs). 0.7.3 cleans
 * every 5 s (CACHE_CLEANING_INTERVAL) with its retain test inverted: an entry younger than 15 s is
 * dropped at the next clean, so it lives at most 5 s. 0.7.5 keeps it 15 s (ROUTE_QUERY_TIMEOUT,
 * commit 6e805f1, and `info` filters expired entries).
 */
export const routeRequestCacheS = { '0.7.3': 5, '0.7.5': 15 } as const;
/** Source table entries live 30 min without refresh (source_table.rs SOURCE_HOLD_DURATION). */
export const sourceHoldS = 30 * 60;

/** u16 metric; 0xFFFF is a retraction (metric.rs METRIC_INFINITE); sums saturate at 0xFFFE. */
export const metricInfinite = 0xffff;
/** A new peer's smoothed link cost starts at 1000 ms (peer.rs DEFAULT_LINK_COST). */
export const defaultLinkCostMs = 1000;
/** Smoothing: new = (9 × old + sample) / 10 in integers (peer.rs EXISTING_METRIC_FACTOR, TOTAL_METRIC_DIVISOR). */
export const smoothingOldWeight = 9;
export const smoothingDivisor = 10;

/** Per-hop static cost by transport (connection.rs PACKET_PROCESSING_COST_*). */
export const staticLinkCost = { tcp6: 10, tcp4: 15, quic6: 7, quic4: 12 } as const;
export type PeerTransport = keyof typeof staticLinkCost;

/** Wire sizes (packet.rs PACKET_HEADER_SIZE; babel/*.rs *_WIRE_SIZE; router_id.rs BYTE_SIZE 40; a /64 prefix is 8 bytes). */
export const packetHeaderBytes = 4;
export const helloBytes = 6;
export const ihuBytes = 6;
export const updateBytes = 10 + 40 + 8;
export const seqnoRequestBytes = 6 + 40 + 8;
export const routeRequestBytes = 3 + 8;
