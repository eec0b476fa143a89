import { createHash } from 'node:crypto';
import type { Agent } from 'undici';
import { AddressPolicy } from './address-policy.js';
import { createGuardedAgent } from './guarded-agent.js';
import type { EgressProxy } from './egress-proxy.js';

/** A client certificate and key (PEM), and optionally the CAs (PEM) to trust for the endpoint instead of the system's. */
export interface ClientTls {
  cert: string;
  key: string;
  ca?: string | undefined;
}

/** Most pools kept at once; the least recently used one is closed beyond it. */
const MAX_AGENTS = 256;

/**
 * Keep-alive pools for endpoints that want a client certificate (mTLS): one guarded agent per
 * certificate, key and CA, so a subscription's connections are reused across events and no
 * other subscription's request ever goes out with its certificate. Every connection is checked
 * against the address policy, exactly as the shared pools' are.
 *
 * @example
 * const agents = new ClientCertificateAgents(AddressPolicy.strict);
 * await request(url, { dispatcher: agents.agentFor({ cert, key }, false), method: 'POST', body });
 */
export class ClientCertificateAgents {
  private readonly agents = new Map<string, Agent>();

  constructor(
    private readonly policy: AddressPolicy,
    /** OUTBOX_EGRESS_PROXY, which these pools go through as the shared ones do. */
    private readonly proxy?: EgressProxy,
  ) {}

  /** The pool for this certificate; `allowPrivateAddresses` (operator-only) lifts the policy for it. */
  agentFor(tls: ClientTls, allowPrivateAddresses: boolean): Agent {
    const id = createHash('sha256')
      .update(`${allowPrivateAddresses}\0${tls.cert}\0${tls.key}\0${tls.ca ?? ''}`)
      .digest('hex');
    let agent = this.agents.get(id);
    if (agent) {
      // Most recently used last: the first entry is the one to close when full.
      this.agents.delete(id);
    } else {
      agent = createGuardedAgent({ policy: allowPrivateAddresses ? AddressPolicy.unrestricted : this.policy, tls, proxy: this.proxy });
      if (this.agents.size >= MAX_AGENTS) {
        const [oldest, pool] = this.agents.entries().next().value!;
        this.agents.delete(oldest);
        void pool.close();
      }
    }
    this.agents.set(id, agent);
    return agent;
  }

  /** Closes every pool (worker shutdown). */
  async close(): Promise<void> {
    const pools = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }
}
