import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { defaultPolicy, type CollectionPolicy } from '../domain/policy';
import { collectionPolicySchema } from '../domain/policy-schema';

/** Which policy an invoice follows: the one it names, else its customer's, else the default. */
export interface PolicyCatalogue {
  policies: ReadonlyMap<string, CollectionPolicy>;
  choose(request: { policyId?: string; customerId: string }): CollectionPolicy;
}

const catalogueFileSchema = z.object({
  policies: z.array(collectionPolicySchema).default([]),
  /** customer id → policy id */
  customerPolicies: z.record(z.string(), z.string()).default({}),
});

export class UnknownPolicyError extends Error {
  override name = 'UnknownPolicyError';
}

export function createPolicyCatalogue(file?: {
  policies?: unknown[];
  customerPolicies?: unknown;
}): PolicyCatalogue {
  const parsed = catalogueFileSchema.parse(file ?? {});
  const policies = new Map<string, CollectionPolicy>([[defaultPolicy.id, defaultPolicy]]);
  for (const policy of parsed.policies) policies.set(policy.id, policy);
  for (const [customerId, policyId] of Object.entries(parsed.customerPolicies)) {
    if (!policies.has(policyId))
      throw new UnknownPolicyError(`customerPolicies.${customerId} names unknown policy "${policyId}"`);
  }
  const known = () => [...policies.keys()].join(', ');
  return {
    policies,
    choose({ policyId, customerId }) {
      const id = policyId ?? parsed.customerPolicies[customerId] ?? defaultPolicy.id;
      const policy = policies.get(id);
      if (!policy) throw new UnknownPolicyError(`Unknown policy "${id}"; known policies: ${known()}.`);
      return policy;
    },
  };
}

/** Reads POLICY_FILE (JSON: { policies: [...], customerPolicies: { customerId: policyId } }). */
export function loadPolicyCatalogue(path: string | undefined): PolicyCatalogue {
  if (!path) return createPolicyCatalogue();
  const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const result = catalogueFileSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new UnknownPolicyError(`POLICY_FILE ${path} is invalid:\n${lines.join('\n')}`);
  }
  return createPolicyCatalogue(result.data);
}
