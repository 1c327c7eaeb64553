import { describe, expect, it } from 'vitest';
import { WorkspaceConflict, type Workspace } from '../../activities/swarm/ports.js';
import { freshTenant } from '../support/stack.js';

const draft = (tenant: string, id: string, createdBy = 'finance.reconciliation-1') => ({
  tenant,
  id,
  kind: 'reconciliation-report',
  title: `Month-end report ${id}`,
  content: { sections: ['bank'] },
  continueCapability: 'reconciliation',
  createdBy,
});
const conflict = (work: Promise<unknown>) => expect(work).rejects.toBeInstanceOf(WorkspaceConflict);

/** What every stigmergy workspace adapter must do; run against each adapter with its own factory. */
export function describeWorkspaceContract(name: string, make: () => Workspace): void {
  describe(`stigmergy workspace contract: ${name}`, () => {
    it('hands incomplete work to an agent that can continue it, and its review to a different agent', async () => {
      const workspace = make();
      const tenant = freshTenant('stig');
      const created = await workspace.create(draft(tenant, 'report-1'));
      expect(created).toMatchObject({ status: 'incomplete', version: 1, reviewCapability: 'reconciliation', lastEditor: 'finance.reconciliation-1' });
      expect(await workspace.create(draft(tenant, 'report-1'))).toMatchObject({ version: 1 });
      await conflict(workspace.create(draft(tenant, 'report-1', 'someone-else')));

      // Nobody without the capability picks it up; agent 2 (which has it) does and hands it on for review.
      expect(await workspace.pickUpWork({ tenant, agentId: 'hr.onboarding-1', capabilities: ['onboarding'] })).toBeNull();
      const picked = await workspace.pickUpWork({ tenant, agentId: 'finance.reconciliation-2', capabilities: ['reconciliation', 'reporting'] });
      expect(picked).toMatchObject({ id: 'report-1', claimedBy: 'finance.reconciliation-2' });
      expect(await workspace.pickUpWork({ tenant, agentId: 'finance.reconciliation-3', capabilities: ['reconciliation'] })).toBeNull();
      const submitted = await workspace.save({ tenant, id: 'report-1', agentId: 'finance.reconciliation-2', expectedVersion: 1, content: { sections: ['bank', 'cards'] }, status: 'needs_review' });
      expect(submitted).toMatchObject({ status: 'needs_review', version: 2, lastEditor: 'finance.reconciliation-2', claimedBy: null });

      // Its author never reviews its own work; another agent with the review capability does.
      expect(await workspace.pickUpReview({ tenant, agentId: 'finance.reconciliation-2', capabilities: ['reconciliation'] })).toBeNull();
      await conflict(workspace.review({ tenant, id: 'report-1', agentId: 'finance.reconciliation-2', expectedVersion: 2, verdict: 'approve' }));
      const reviewer = await workspace.pickUpReview({ tenant, agentId: 'finance.reconciliation-3', capabilities: ['reconciliation'] });
      expect(reviewer).toMatchObject({ id: 'report-1', claimedBy: 'finance.reconciliation-3' });
      const sentBack = await workspace.review({ tenant, id: 'report-1', agentId: 'finance.reconciliation-3', expectedVersion: 2, verdict: 'changes', comment: 'cards total is off' });
      expect(sentBack).toMatchObject({ status: 'incomplete', version: 3 });

      // Back to work (anyone able may continue it), then approved by someone other than the last editor.
      await workspace.pickUpWork({ tenant, agentId: 'finance.reconciliation-2', capabilities: ['reconciliation'] });
      await conflict(workspace.save({ tenant, id: 'report-1', agentId: 'finance.reconciliation-2', expectedVersion: 2, content: {}, status: 'needs_review' }));
      await workspace.save({ tenant, id: 'report-1', agentId: 'finance.reconciliation-2', expectedVersion: 3, content: { sections: ['bank', 'cards'], fixed: true }, status: 'needs_review' });
      await workspace.pickUpReview({ tenant, agentId: 'finance.reconciliation-1', capabilities: ['reconciliation'] });
      expect(await workspace.review({ tenant, id: 'report-1', agentId: 'finance.reconciliation-1', expectedVersion: 4, verdict: 'approve' })).toMatchObject({ status: 'done', version: 5 });

      const trail = await workspace.get(tenant, 'report-1');
      expect(trail?.events.map((e) => [e.kind, e.actor, e.version])).toEqual([
        ['created', 'finance.reconciliation-1', 1],
        ['claimed', 'finance.reconciliation-2', 1],
        ['submitted', 'finance.reconciliation-2', 2],
        ['claimed', 'finance.reconciliation-3', 2],
        ['changes_requested', 'finance.reconciliation-3', 3],
        ['claimed', 'finance.reconciliation-2', 3],
        ['submitted', 'finance.reconciliation-2', 4],
        ['claimed', 'finance.reconciliation-1', 4],
        ['approved', 'finance.reconciliation-1', 5],
      ]);
      expect(trail?.events[4]?.details).toEqual({ comment: 'cards total is off' });
      // Done work is nobody's to pick up.
      expect(await workspace.pickUpWork({ tenant, agentId: 'finance.reconciliation-4', capabilities: ['reconciliation'] })).toBeNull();
    });

    it('gives agents looking at once different artifacts, and frees one whose holder let go or ran out of time', async () => {
      const workspace = make();
      const tenant = freshTenant('stig');
      for (let i = 0; i < 8; i += 1) await workspace.create(draft(tenant, `a-${i}`));
      const picks = await Promise.all(Array.from({ length: 10 }, (_, i) => workspace.pickUpWork({ tenant, agentId: `agent-${i}`, capabilities: ['reconciliation'] })));
      const ids = picks.flatMap((p) => (p ? [p.id] : []));
      expect(ids.sort()).toEqual(Array.from({ length: 8 }, (_, i) => `a-${i}`).sort());
      expect(picks.filter((p) => p === null)).toHaveLength(2);

      const held = picks.find((p) => p?.claimedBy === 'agent-0') ?? picks.find((p) => p !== null);
      if (!held?.claimedBy) throw new Error('nothing was picked up');
      await workspace.release({ tenant, id: held.id, agentId: held.claimedBy });
      expect(await workspace.pickUpWork({ tenant, agentId: 'agent-late', capabilities: ['reconciliation'] })).toMatchObject({ id: held.id });

      const t2 = freshTenant('stig');
      await workspace.create(draft(t2, 'short'));
      await workspace.pickUpWork({ tenant: t2, agentId: 'slow', capabilities: ['reconciliation'], leaseMs: 1000 });
      expect(await workspace.pickUpWork({ tenant: t2, agentId: 'fast', capabilities: ['reconciliation'] })).toBeNull();
      await new Promise((r) => setTimeout(r, 1200));
      expect(await workspace.pickUpWork({ tenant: t2, agentId: 'fast', capabilities: ['reconciliation'] })).toMatchObject({ id: 'short', claimedBy: 'fast' });
      await conflict(workspace.save({ tenant: t2, id: 'short', agentId: 'slow', expectedVersion: 1, content: {}, status: 'needs_review' }));
    });

    it('keeps tenants apart, refuses bad input by name, and announces every change without its content', async () => {
      const workspace = make();
      const tenant = freshTenant('stig');
      const notices: Array<{ tenant: string; artifact: string; kind: string }> = [];
      const stop = await workspace.subscribe((n) => {
        if (n.tenant === tenant) notices.push(n);
      });
      try {
        await workspace.create(draft(tenant, 'mine'));
        expect(await workspace.list(freshTenant('stig'), {})).toEqual([]);
        expect(await workspace.get(freshTenant('stig'), 'mine')).toBeNull();
        expect((await workspace.list(tenant, { status: 'incomplete' })).map((a) => a.id)).toEqual(['mine']);
        expect(await workspace.list(tenant, { status: 'done' })).toEqual([]);
        await expect(workspace.create({ ...draft(tenant, 'bad id with spaces') })).rejects.toThrow(/id/);
        await expect(workspace.pickUpWork({ tenant, agentId: 'a', capabilities: [] })).rejects.toThrow(/capabilities/);
        await expect.poll(() => notices.map((n) => n.kind), { timeout: 5_000 }).toEqual(['created']);
        expect(JSON.stringify(notices)).not.toContain('bank');
      } finally {
        await stop();
      }
    });
  });
}
