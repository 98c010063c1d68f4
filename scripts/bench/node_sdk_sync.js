#!/usr/bin/env node
// The benchmark's comparison: what a data engineer would write without the connector, using
// Klaviyo's official Node SDK (npm klaviyo-api) and better-sqlite3. It reads the same rows as the
// connector's benchmark queries and pushes them with bulk profile import (10,000 a job) or bulk
// create events (1,000 a request), one request at a time, as the SDK's examples do.
//   node node_sdk_sync.js profiles|events WAREHOUSE.db BASE_URL
// The API key comes from KLAVIYO_API_KEY; a private CA from NODE_EXTRA_CA_CERTS.
'use strict';
const Database = require('better-sqlite3');
const {ApiKeySession, ProfilesApi, EventsApi, RetryWithExponentialBackoff} = require('klaviyo-api');

const [target, dbPath, baseUrl] = process.argv.slice(2);
if (!['profiles', 'events'].includes(target) || !dbPath || !baseUrl) {
    console.error('usage: node node_sdk_sync.js profiles|events WAREHOUSE.db BASE_URL');
    process.exit(2);
}
const session = new ApiKeySession(process.env.KLAVIYO_API_KEY,
                                  new RetryWithExponentialBackoff({numRetries: 3}));
const db = new Database(dbPath, {readonly: true});
let requests = 0;
let records = 0;

async function syncProfiles() {
    const api = new ProfilesApi(session);
    api.basePath = baseUrl;
    const rows = db.prepare(`SELECT customer_id, email, phone, first_name, last_name, city,
                                    loyalty_tier, lifetime_value, order_count, signed_up_at
                             FROM customers ORDER BY customer_id`).iterate();
    let batch = [];
    const flush = async () => {
        if (!batch.length) return;
        await api.bulkImportProfiles({
            data: {type: 'profile-bulk-import-job', attributes: {profiles: {data: batch}}},
        });
        requests++;
        records += batch.length;
        batch = [];
    };
    for (const r of rows) {
        batch.push({
            type: 'profile',
            attributes: {
                externalId: 'cust_' + r.customer_id,
                email: r.email,
                phoneNumber: r.phone,
                firstName: r.first_name,
                lastName: r.last_name,
                location: {city: r.city},
                properties: {
                    loyalty_tier: r.loyalty_tier,
                    lifetime_value: r.lifetime_value,
                    order_count: r.order_count,
                    signed_up_at: r.signed_up_at,
                },
            },
        });
        if (batch.length === 10000) await flush();
    }
    await flush();
}

async function syncEvents() {
    const api = new EventsApi(session);
    api.basePath = baseUrl;
    const rows = db.prepare(`SELECT o.order_id, c.email, o.placed_at, o.total, o.currency,
                                    o.item_count, o.channel
                             FROM orders o JOIN customers c ON c.customer_id = o.customer_id
                             ORDER BY o.order_id`).iterate();
    let batch = [];
    const flush = async () => {
        if (!batch.length) return;
        await api.bulkCreateEvents({
            data: {type: 'event-bulk-create-job', attributes: {eventsBulkCreate: {data: batch}}},
        });
        requests++;
        records += batch.length;
        batch = [];
    };
    for (const r of rows) {
        batch.push({
            type: 'event-bulk-create',
            attributes: {
                profile: {data: {type: 'profile', attributes: {email: r.email}}},
                events: {
                    data: [{
                        type: 'event',
                        attributes: {
                            metric: {data: {type: 'metric', attributes: {name: 'Placed Order'}}},
                            properties: {order_id: r.order_id, item_count: r.item_count,
                                         channel: r.channel},
                            time: new Date(r.placed_at.replace(' ', 'T') + 'Z'),
                            value: r.total,
                            valueCurrency: r.currency,
                            uniqueId: 'order-' + r.order_id,
                        },
                    }],
                },
            },
        });
        if (batch.length === 1000) await flush();
    }
    await flush();
}

const started = process.hrtime.bigint();
(target === 'profiles' ? syncProfiles() : syncEvents())
    .then(() => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        console.log(JSON.stringify({records, requests, seconds}));
    })
    .catch((e) => {
        const status = e.response ? e.response.status : 'network';
        const body = e.response ? JSON.stringify(e.response.data).slice(0, 500) : e.message;
        console.error(`node sdk sync failed: ${status} ${body}`);
        process.exit(1);
    });
