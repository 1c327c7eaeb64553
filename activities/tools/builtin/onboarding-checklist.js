/*
 * hr.onboarding_checklist: the onboarding checklist and accounts for a new hire.
 *
 * A sandbox tool: a plain script that defines `main(input)` and returns JSON. It runs
 * inside QuickJS with nothing from the host but console.log.
 *
 * Input:  { employee: { id, name, role, department, startDate: 'YYYY-MM-DD', location? } }
 * Output: { employeeId, items: [{ id, title, owner, dueDate: 'YYYY-MM-DD' }], accounts: [system] }
 *
 * Every hire gets the common items; tracks add items and accounts by department or role
 * (engineering gets repository access, finance ERP access, ...). Due dates are offsets in
 * business days (Mon-Fri) from startDate: negative = before the first day, 0 = the first
 * day. Pure date math on the given date; the clock is never read, so the same input
 * always yields the same checklist. Items are listed in due-date order.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

const BASE_ACCOUNTS = ['email', 'sso', 'chat', 'hris'];

/** Items every hire gets. `offset` is in business days relative to the start date. */
function commonItems(employee) {
  const remote = employee.location !== undefined && /remote/i.test(employee.location);
  const onSite = employee.location !== undefined && !remote;
  const items = [
    { id: 'hr-contract', title: 'Collect the signed contract and tax forms', owner: 'hr', offset: -5 },
    remote
      ? { id: 'it-hardware', title: "Ship laptop and peripherals to the employee's home address", owner: 'it', offset: -5 }
      : { id: 'it-hardware', title: 'Prepare laptop and peripherals', owner: 'it', offset: -3 },
    { id: 'it-accounts', title: 'Provision the accounts listed for this hire', owner: 'it', offset: -1 },
    { id: 'manager-welcome', title: 'Welcome meeting and first-week plan', owner: 'manager', offset: 0 },
    { id: 'security-training', title: 'Complete security awareness training', owner: 'employee', offset: 5 },
    { id: 'hr-benefits', title: 'Enrol in benefits', owner: 'hr', offset: 10 },
    { id: 'manager-checkin', title: 'First-month check-in', owner: 'manager', offset: 20 },
  ];
  if (onSite) {
    items.push({ id: 'facilities-badge', title: `Issue an office badge and desk at ${employee.location}`, owner: 'facilities', offset: -1 });
  }
  return items;
}

/** Department / role tracks. A hire can be on several (an engineering manager gets two). */
const TRACKS = [
  {
    name: 'engineering',
    applies: (e) => /engineer|r&d|develop/.test(e.department) || /engineer|developer|devops|\bsre\b|programmer/.test(e.role),
    accounts: ['github', 'ci', 'cloud-console'],
    items: [
      { id: 'eng-repo-access', title: 'Grant source repository access (organisation and team)', owner: 'engineering-lead', offset: -1 },
      { id: 'eng-dev-environment', title: 'Set up the development environment and run the test suite', owner: 'employee', offset: 2 },
      { id: 'eng-first-change', title: 'Ship a first small change through code review', owner: 'engineering-lead', offset: 10 },
      { id: 'eng-on-call-shadow', title: 'Shadow one on-call rotation', owner: 'engineering-lead', offset: 20 },
    ],
  },
  {
    name: 'finance',
    applies: (e) => /financ|accounting|treasury/.test(e.department) || /accountant|controller|financ/.test(e.role),
    accounts: ['erp', 'expenses-approval'],
    items: [
      { id: 'fin-erp-access', title: 'Grant ERP access after a segregation-of-duties review', owner: 'finance-controller', offset: -1 },
      { id: 'fin-policy', title: 'Read and sign the expense and approval policy', owner: 'employee', offset: 3 },
    ],
  },
  {
    name: 'sales',
    applies: (e) => /sales|revenue/.test(e.department) || /sales|account executive|account manager/.test(e.role),
    accounts: ['crm'],
    items: [{ id: 'sales-crm', title: 'Set up the CRM seat and assign a territory', owner: 'sales-ops', offset: -1 }],
  },
  {
    name: 'security',
    applies: (e) => /secur|secops/.test(e.department) || /secur/.test(e.role),
    accounts: ['siem', 'edr-console'],
    items: [{ id: 'sec-privileged-access', title: 'Review and approve privileged access', owner: 'ciso', offset: 0 }],
  },
  {
    name: 'hr',
    applies: (e) => /^hr$|human resources|people/.test(e.department),
    accounts: ['hris-admin'],
    items: [{ id: 'hr-confidentiality', title: 'Sign the confidentiality agreement for personnel data', owner: 'hr', offset: -1 }],
  },
  {
    name: 'people-manager',
    applies: (e) => /\b(manager|head|director|lead|vp|chief)\b/.test(e.role) && !/account manager/.test(e.role),
    accounts: [],
    items: [{ id: 'mgr-training', title: 'Attend people-manager training', owner: 'hr', offset: 15 }],
  },
];

function fail(message) {
  throw new Error(`hr.onboarding_checklist: ${message}`);
}

function requireText(employee, field) {
  const value = employee[field];
  if (typeof value !== 'string' || value.trim() === '') fail(`employee.${field} must be a non-empty string`);
  return value.trim();
}

/** Milliseconds at UTC midnight of a real calendar date (rejects 2025-02-30). */
function parseDate(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) fail(`employee.startDate must be YYYY-MM-DD, got "${text}"`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  const date = new Date(time);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    fail(`employee.startDate "${text}" is not a calendar date`);
  }
  return time;
}

function isWeekend(time) {
  const weekday = new Date(time).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** Moves `offset` business days from `start` (either direction); 0 is the start date itself. */
function addBusinessDays(start, offset) {
  const step = offset < 0 ? -DAY_MS : DAY_MS;
  let time = start;
  for (let remaining = Math.abs(offset); remaining > 0; ) {
    time += step;
    if (!isWeekend(time)) remaining -= 1;
  }
  return time;
}

function formatDate(time) {
  return new Date(time).toISOString().slice(0, 10);
}

function readEmployee(input) {
  const employee = input !== null && typeof input === 'object' ? input.employee : undefined;
  if (employee === null || typeof employee !== 'object' || Array.isArray(employee)) fail('input.employee must be an object');
  if (employee.location !== undefined && typeof employee.location !== 'string') fail('employee.location must be a string when given');
  const location = employee.location === undefined || employee.location.trim() === '' ? undefined : employee.location.trim();
  return {
    id: requireText(employee, 'id'),
    name: requireText(employee, 'name'),
    role: requireText(employee, 'role').toLowerCase(),
    department: requireText(employee, 'department').toLowerCase(),
    startDate: parseDate(requireText(employee, 'startDate')),
    location,
  };
}

// The sandbox calls `main` by name; nothing in this file does.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
function main(input) {
  const employee = readEmployee(input);
  const tracks = TRACKS.filter((track) => track.applies(employee));

  const planned = [...commonItems(employee), ...tracks.flatMap((track) => track.items)];
  // Stable sort: same-day items keep their listed order.
  planned.sort((a, b) => a.offset - b.offset);
  const items = planned.map((item) => ({
    id: item.id,
    title: item.title,
    owner: item.owner,
    dueDate: formatDate(addBusinessDays(employee.startDate, item.offset)),
  }));
  const accounts = [...new Set([...BASE_ACCOUNTS, ...tracks.flatMap((track) => track.accounts)])];

  console.log(`onboarding ${employee.id}: tracks [${tracks.map((track) => track.name).join(', ')}], ${items.length} items`);
  return { employeeId: employee.id, items, accounts };
}
