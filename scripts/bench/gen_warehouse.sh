#!/usr/bin/env bash
# Generates a synthetic shop warehouse (SQLite) with N customers and N orders, for the
# benchmark. Deterministic: the same N gives the same rows.
#   scripts/bench/gen_warehouse.sh OUT.db N
# Valid, unique identifiers for every customer: email cust<N>@example.com and a US number
# +1 212 2xx xxxx, so every row maps and the benchmark measures the full path.
set -euo pipefail
out=${1:?usage: gen_warehouse.sh OUT.db N}
n=${2:?usage: gen_warehouse.sh OUT.db N}
rm -f "$out"
sqlite3 "$out" >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE customers (
    customer_id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    phone TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    city TEXT NOT NULL,
    country_code TEXT NOT NULL,
    loyalty_tier TEXT,
    lifetime_value NUMERIC(12,2) NOT NULL,
    order_count INTEGER NOT NULL,
    signed_up_at TIMESTAMP NOT NULL
);
CREATE TABLE orders (
    order_id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL,
    placed_at TIMESTAMP NOT NULL,
    currency TEXT NOT NULL,
    total NUMERIC(12,2) NOT NULL,
    item_count INTEGER NOT NULL,
    channel TEXT NOT NULL
);
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $n)
INSERT INTO customers
SELECT i,
       'cust' || i || '@example.com',
       '+1212' || printf('%07d', 2000000 + i),
       (SELECT value FROM json_each('["Ada","Luís","Zoë","Bjørn","さくら","Noah","Mia","Lucas"]') WHERE key = i % 8),
       'Customer' || i,
       (SELECT value FROM json_each('["London","São Paulo","Montréal","Oslo","東京","Berlin"]') WHERE key = i % 6),
       'US',
       CASE i % 4 WHEN 0 THEN 'gold' WHEN 1 THEN 'silver' WHEN 2 THEN 'bronze' ELSE NULL END,
       round((i * 7919 % 100000) / 100.0, 2),
       i % 5,
       datetime(1704067200 + (i * 37) % 63072000, 'unixepoch')
FROM seq;
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $n)
INSERT INTO orders
SELECT i,
       1 + (i * 48271) % $n,
       datetime(1735689600 + (i * 53) % 31536000, 'unixepoch'),
       CASE i % 3 WHEN 0 THEN 'USD' WHEN 1 THEN 'EUR' ELSE 'GBP' END,
       round((i * 104729 % 50000) / 100.0 + 1, 2),
       1 + i % 6,
       CASE i % 2 WHEN 0 THEN 'web' ELSE 'app' END
FROM seq;
SQL
