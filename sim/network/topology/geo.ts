// Link latency from geography: great-circle distance at two thirds of the speed of light (fibre).
// Leaves out real fibre routes (longer than the great circle), queueing and equipment delay beyond a floor.

const earthRadiusKm = 6371.0088;
const lightKmPerS = 299_792.458;
/** Light in glass travels at about 2/3 c (refractive index ≈ 1.5). */
export const fibreKmPerS = (2 / 3) * lightKmPerS;
/**
 * Co-located PoPs would otherwise get a zero-latency link, and a zero shortest latency makes a
 * latency stretch undefined; 10 µs is about one router's forwarding delay.
 */
export const minLinkLatencyS = 10e-6;

/** Haversine distance; the formula stays accurate for short links, unlike the spherical law of cosines. */
export function greatCircleKm(latA: number, lonA: number, latB: number, lonB: number): number {
  const rad = Math.PI / 180;
  const dLat = (latB - latA) * rad;
  const dLon = (lonB - lonA) * rad;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(latA * rad) * Math.cos(latB * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * earthRadiusKm * Math.asin(Math.min(1, Math.sqrt(s)));
}

export function fibreLatencyS(latA: number, lonA: number, latB: number, lonB: number): number {
  return Math.max(minLinkLatencyS, greatCircleKm(latA, lonA, latB, lonB) / fibreKmPerS);
}
