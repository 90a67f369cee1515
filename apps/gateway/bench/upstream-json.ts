/** The small JSON document every throughput figure's server answers (the SDK's bench serves the same). */
export const SMALL_JSON = JSON.stringify({ hello: 'partner', items: [1, 2, 3] });
