/**
 * Stage throttling as main.tf configures it (`aws_api_gateway_method_settings.all`, method path
 * `*\/*`): API Gateway's token bucket, where a request takes one token, the bucket holds at most
 * `burst` tokens and refills at `rate` tokens a second. The stage's limits apply to each method
 * on its own ("per-API, per-stage throttling limits are applied at the API method level"), so
 * every method has a bucket of its own. An empty bucket is API Gateway's THROTTLED answer, a
 * 429, before any authorizer or function runs.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
 *
 * Locally a rate or burst of 0 turns throttling off (in AWS a limit of 0 would refuse every
 * request), so load tests and the bench can measure the stack itself.
 */
export interface ThrottleLimits {
  /** Steady-state requests per second. */
  rate: number;
  /** Bucket size: requests admitted at once after a quiet spell. */
  burst: number;
}

class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly now: () => number,
  ) {
    this.tokens = limits.burst;
    this.updatedAt = now();
  }

  take(): boolean {
    const now = this.now();
    const refill = ((now - this.updatedAt) / 1000) * this.limits.rate;
    this.tokens = Math.min(this.limits.burst, this.tokens + refill);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export class StageThrottle {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly now: () => number = performance.now.bind(performance),
  ) {}

  get enabled(): boolean {
    return this.limits.rate > 0 && this.limits.burst > 0;
  }

  /** Whether a request to `method` (e.g. `GET /isolated`) may go on now; takes its token. */
  admit(method: string): boolean {
    if (!this.enabled) return true;
    let bucket = this.buckets.get(method);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.limits, this.now);
      this.buckets.set(method, bucket);
    }
    return bucket.take();
  }
}
