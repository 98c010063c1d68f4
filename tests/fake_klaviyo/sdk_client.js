#!/usr/bin/env node
// Drives the fake with Klaviyo's official Node SDK (npm klaviyo-api, installed by setup.sh under
// scripts/bench/node_modules), so the fake is checked against the bodies and headers the SDK
// really sends. Prints one JSON line per call: {"call": ..., "status": ...}.
//   NODE_PATH=.../node_modules NODE_EXTRA_CA_CERTS=ca.pem KLAVIYO_API_KEY=... node sdk_client.js URL
'use strict';
const {ApiKeySession, ProfilesApi, EventsApi, RetryWithExponentialBackoff} = require('klaviyo-api');

const baseUrl = process.argv[2];
const session = new ApiKeySession(process.env.KLAVIYO_API_KEY,
                                  new RetryWithExponentialBackoff({numRetries: 1}));
const profiles = new ProfilesApi(session);
profiles.basePath = baseUrl;
const events = new EventsApi(session);
events.basePath = baseUrl;

async function call(name, fn) {
    try {
        const r = await fn();
        const line = {call: name, status: r.response.status};
        if (r.body && r.body.data && r.body.data.id) line.id = r.body.data.id;
        if (r.body && r.body.data && Array.isArray(r.body.data)) line.count = r.body.data.length;
        console.log(JSON.stringify(line));
        return r;
    } catch (e) {
        const status = e.response ? e.response.status : 0;
        const body = e.response ? e.response.data : String(e);
        console.log(JSON.stringify({call: name, status, body}));
        return null;
    }
}

(async () => {
    await call('createOrUpdateProfile', () => profiles.createOrUpdateProfile({
        data: {
            type: 'profile',
            attributes: {
                email: 'sdk@example.org',
                phoneNumber: '+14155550199',
                externalId: 'sdk_1',
                firstName: 'Sdk',
                location: {city: 'Oslo', timezone: 'Europe/Oslo'},
                properties: {plan: 'pro', ltv: 12.5},
            },
            meta: {patchProperties: {append: {tags: 'sdk'}}},
        },
    }));
    const job = await call('bulkImportProfiles', () => profiles.bulkImportProfiles({
        data: {
            type: 'profile-bulk-import-job',
            attributes: {
                profiles: {
                    data: [1, 2, 3].map((i) => ({
                        type: 'profile',
                        attributes: {email: `bulk${i}@example.org`, externalId: `bulk_${i}`,
                                     lastName: null, properties: {rank: i}},
                    })),
                },
            },
            relationships: {lists: {data: [{type: 'list', id: 'SdkList'}]}},
        },
    }));
    if (job) {
        const id = job.body.data.id;
        await call('getBulkImportProfilesJob', () => profiles.getBulkImportProfilesJob(id));
        await call('getErrorsForBulkImportProfilesJob',
                   () => profiles.getErrorsForBulkImportProfilesJob(id, {pageSize: 100}));
    }
    await call('createEvent', () => events.createEvent({
        data: {
            type: 'event',
            attributes: {
                properties: {orderId: 'SO-1', items: [{sku: 'A1', qty: 2}]},
                time: new Date('2026-04-30T17:05:09Z'),
                value: 59.9,
                valueCurrency: 'EUR',
                uniqueId: 'sdk:SO-1',
                metric: {data: {type: 'metric', attributes: {name: 'Placed Order'}}},
                profile: {data: {type: 'profile', attributes: {email: 'sdk@example.org'}}},
            },
        },
    }));
    await call('bulkCreateEvents', () => events.bulkCreateEvents({
        data: {
            type: 'event-bulk-create-job',
            attributes: {
                eventsBulkCreate: {
                    data: [{
                        type: 'event-bulk-create',
                        attributes: {
                            profile: {data: {type: 'profile', attributes: {email: 'bulk1@example.org'}}},
                            events: {
                                data: ['SO-2', 'SO-3'].map((o) => ({
                                    type: 'event',
                                    attributes: {
                                        properties: {orderId: o},
                                        time: new Date('2026-05-01T08:00:00Z'),
                                        uniqueId: `sdk:${o}`,
                                        metric: {data: {type: 'metric', attributes: {name: 'Placed Order'}}},
                                    },
                                })),
                            },
                        },
                    }],
                },
            },
        },
    }));
    await call('invalidEmail', () => profiles.createOrUpdateProfile({
        data: {type: 'profile', attributes: {email: 'not-an-email'}},
    }));
})();
