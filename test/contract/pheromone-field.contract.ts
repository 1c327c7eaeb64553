import { describe, expect, it } from 'vitest';
import type { PheromoneField, PheromoneNotice } from '../../activities/swarm/ports.js';
import { freshTenant } from '../support/stack.js';

export interface FieldUnderTest {
  field: PheromoneField;
  /** Moves the adapter's clock forward (evaporation is computed against it). */
  advance(ms: number): void;
}

/** What every pheromone field adapter must do; run against each adapter with its own factory. */
export function describePheromoneFieldContract(name: string, make: () => FieldUnderTest): void {
  describe(`pheromone field contract: ${name}`, () => {
    it('evaporates linearly over the TTL and is gone once expired', async () => {
      const { field, advance } = make();
      const tenant = freshTenant('field');
      await field.deposit({ tenant, type: 'danger', location: 'integrations.stripe', depositor: 'a-1', strength: 1, ttlMs: 300_000 });
      advance(60_000);
      expect((await field.detect({ tenant, types: ['danger'] }))[0]?.current).toBeCloseTo(0.8, 3);
      advance(90_000);
      expect((await field.detect({ tenant, location: 'integrations.stripe' }))[0]?.current).toBeCloseTo(0.5, 3);
      advance(150_000);
      expect(await field.detect({ tenant })).toEqual([]);
      expect(await field.expire(tenant)).toBe(1);
    });

    it('detects by type, location and minimum strength, strongest first', async () => {
      const { field } = make();
      const tenant = freshTenant('field');
      await field.deposit({ tenant, type: 'task', location: 'finance.reconciliation', depositor: 'task-1', strength: 0.3, ttlMs: 60_000 });
      await field.deposit({ tenant, type: 'task', location: 'finance.reconciliation', depositor: 'task-2', strength: 0.9, ttlMs: 60_000 });
      await field.deposit({ tenant, type: 'task', location: 'hr.onboarding', depositor: 'task-3', strength: 0.7, ttlMs: 60_000 });
      await field.deposit({ tenant, type: 'success', location: 'finance.reconciliation', depositor: 'a-1', strength: 0.5, ttlMs: 60_000 });
      const tasks = await field.detect({ tenant, types: ['task'] });
      expect(tasks.map((p) => p.depositor)).toEqual(['task-2', 'task-3', 'task-1']);
      const finance = await field.detect({ tenant, types: ['task'], location: 'finance.reconciliation', minStrength: 0.5 });
      expect(finance.map((p) => p.depositor)).toEqual(['task-2']);
      expect((await field.detect({ tenant, location: 'finance.reconciliation' })).map((p) => p.type).sort()).toEqual(['success', 'task', 'task']);
      expect((await field.detect({ tenant, depositors: ['task-1', 'a-1'] })).map((p) => p.depositor)).toEqual(['a-1', 'task-1']);
      expect(await field.tenantsWith('success')).toContain(tenant);
      expect(await field.tenantsWith('capability')).not.toContain(tenant);
    });

    it('reinforces a repeated success, capped at 1, while a plain re-deposit only refreshes', async () => {
      const { field, advance } = make();
      const tenant = freshTenant('field');
      const trail = { tenant, type: 'success' as const, location: 'finance.reconciliation', depositor: 'a-1', strength: 0.5, ttlMs: 100_000 };
      await field.deposit(trail);
      advance(50_000); // 0.25 left
      expect((await field.reinforce(trail)).current).toBeCloseTo(0.75, 3);
      expect((await field.reinforce(trail)).current).toBe(1);
      expect((await field.deposit({ ...trail, strength: 0.2 })).current).toBe(1);
      expect(await field.detect({ tenant })).toHaveLength(1);
      expect(await field.withdraw({ tenant, type: 'success', location: 'finance.reconciliation', depositor: 'a-1' })).toBe(true);
      expect(await field.withdraw({ tenant, type: 'success', location: 'finance.reconciliation', depositor: 'a-1' })).toBe(false);
      expect(await field.detect({ tenant })).toEqual([]);
    });

    it('keeps tenants apart', async () => {
      const { field } = make();
      const [a, b] = [freshTenant('field'), freshTenant('field')];
      await field.deposit({ tenant: a, type: 'capability', location: 'integrations.demo', depositor: 'a-1', strength: 0.7, ttlMs: 60_000 });
      expect(await field.detect({ tenant: b })).toEqual([]);
      expect(await field.expire(b)).toBe(0);
      expect(await field.detect({ tenant: a })).toHaveLength(1);
    });

    it('refuses bad input with a clear error and writes nothing', async () => {
      const { field } = make();
      const tenant = freshTenant('field');
      await expect(field.deposit({ tenant, type: 'smell' as 'task', location: 'x', depositor: 'a', strength: 0.5, ttlMs: 60_000 })).rejects.toThrow(/type/);
      await expect(field.deposit({ tenant, type: 'task', location: 'x', depositor: 'a', strength: 1.5, ttlMs: 60_000 })).rejects.toThrow(/strength/);
      await expect(field.deposit({ tenant, type: 'task', location: 'has space', depositor: 'a', strength: 0.5, ttlMs: 60_000 })).rejects.toThrow(/location/);
      expect(await field.detect({ tenant })).toEqual([]);
    });

    it('tells subscribers of each deposit', async () => {
      const { field } = make();
      const tenant = freshTenant('field');
      const heard: PheromoneNotice[] = [];
      const stop = await field.subscribe((notice) => {
        if (notice.tenant === tenant) heard.push(notice);
      });
      try {
        await field.deposit({ tenant, type: 'capability', location: 'integrations.payments', depositor: 'a-1', strength: 1, ttlMs: 60_000 });
        for (let i = 0; i < 100 && heard.length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
        expect(heard).toMatchObject([{ tenant, type: 'capability', location: 'integrations.payments' }]);
      } finally {
        await stop();
      }
    });
  });
}
