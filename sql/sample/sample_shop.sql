-- A small online shop: the demo's warehouse. Runs on SQLite and PostgreSQL alike.
-- The data is messy on purpose, the way real shop exports are: phones in national formats,
-- with 00 prefixes, extensions or junk; emails with capitals and spaces; accented and non-Latin
-- names; a customer with no usable identifier; orders in several currencies.
DROP TABLE IF EXISTS order_lines;
DROP TABLE IF EXISTS orders;
DROP TABLE IF EXISTS customers;

CREATE TABLE customers (
    customer_id   INTEGER PRIMARY KEY,
    email         VARCHAR(200),
    phone         VARCHAR(40),
    country_code  CHAR(2),
    first_name    VARCHAR(80),
    last_name     VARCHAR(80),
    city          VARCHAR(80),
    signed_up_at  TIMESTAMP NOT NULL,
    accepts_marketing BOOLEAN NOT NULL,
    loyalty_tier  VARCHAR(20)
);

CREATE TABLE orders (
    order_id      INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers (customer_id),
    placed_at     TIMESTAMP NOT NULL,
    currency      CHAR(3) NOT NULL,
    total         NUMERIC(12, 2) NOT NULL,
    item_count    INTEGER NOT NULL,
    channel       VARCHAR(20) NOT NULL
);

CREATE TABLE order_lines (
    order_id      INTEGER NOT NULL REFERENCES orders (order_id),
    line_no       INTEGER NOT NULL,
    sku           VARCHAR(40) NOT NULL,
    quantity      INTEGER NOT NULL,
    unit_price    NUMERIC(12, 2) NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

INSERT INTO customers VALUES
 (1,  'ada.lovelace@example.org',     '+44 20 7946 0958',       'GB', 'Ada',       'Lovelace',   'London',     '2024-01-15 09:30:00', TRUE,  'gold'),
 (2,  '  Luis.Goncalves@Example.COM ', '(12) 3923-5555',         'BR', 'Luís',      'Gonçalves',  'São José dos Campos', '2024-02-01 12:00:00', TRUE, 'silver'),
 (3,  'leonie.kohler@example.de',     '0711 2842222',           'DE', 'Leonie',    'Köhler',     'Stuttgart',  '2024-02-11 08:15:00', FALSE, NULL),
 (4,  'francois.tremblay@example.ca', '514-721-4711',           'CA', 'François',  'Tremblay',   'Montréal',   '2024-03-03 18:45:00', TRUE,  'bronze'),
 (5,  'bjorn.hansen@example.no',      '0047 22 44 22 22',       'NO', 'Bjørn',     'Hansen',     'Oslo',       '2024-03-09 10:00:00', TRUE,  'gold'),
 (6,  'frantisek.wichterlova@example.cz', '+420 2 4172 5555',   'CZ', 'František', 'Wichterlová','Praha',      '2024-03-21 14:20:00', FALSE, NULL),
 (7,  'helena.holy@example.cz',       '+420 2 4177 0449 ext. 12','CZ', 'Helena',   'Holý',       'Praha',      '2024-04-02 16:05:00', TRUE,  'silver'),
 (8,  'astrid.gruber@example.at',     '+43 01 5134505',         'AT', 'Astrid',    'Gruber',     'Wien',       '2024-04-17 07:55:00', TRUE,  NULL),
 (9,  'daan.peeters@example.be',      '+32 02 219 03 03',       'BE', 'Daan',      'Peeters',    'Brussels',   '2024-05-05 11:11:00', FALSE, 'bronze'),
 (10, 'kara.nielsen@example.dk',      '+453 3331 9991',         'DK', 'Kara',      'Nielsen',    'København',  '2024-05-19 13:30:00', TRUE,  NULL),
 (11, 'eduardo.martins@example.com.br', '(11) 3033-5446',       'BR', 'Eduardo',   'Martins',    'São Paulo',  '2024-06-01 09:00:00', TRUE,  'gold'),
 (12, 'ALEXANDRE.ROCHA@EXAMPLE.COM',  'N/A',                    'BR', 'Alexandre', 'Rocha',      'São Paulo',  '2024-06-12 15:40:00', TRUE,  NULL),
 (13, 'fernanda.ramos@example.br',    '',                       'BR', 'Fernanda',  'Ramos',      'Brasília',   '2024-06-30 20:10:00', FALSE, 'silver'),
 (14, 'mark.philips@example.ca',      '+1 (780) 434-4554',      'CA', 'Mark',      'Philips',    'Edmonton',   '2024-07-08 06:30:00', TRUE,  NULL),
 (15, 'jennifer.peterson@example.ca', '604.688.2255',           'CA', 'Jennifer',  'Peterson',   'Vancouver',  '2024-07-15 22:00:00', TRUE,  'bronze'),
 (16, 'frank.harris@example.com',     '+1 (650) 253-0000',      'US', 'Frank',     'Harris',     'Mountain View', '2024-08-01 08:00:00', TRUE, 'gold'),
 (17, 'jack.smith@example.com',       '1-425-882-8080',         'US', 'Jack',      'Smith',      'Redmond',    '2024-08-09 10:30:00', FALSE, NULL),
 (18, 'michelle.brooks@example',      '+1 (212) 221-3546',      'US', 'Michelle',  'Brooks',     'New York',   '2024-08-20 17:20:00', TRUE,  NULL),
 (19, 'tim.goyer@example.com',        '+1 408 996 1010',        'US', 'Tim',       'Goyer',      'Cupertino',  '2024-09-02 09:45:00', TRUE,  'silver'),
 (20, NULL,                           '+1 (650) 644-3358',      'US', 'Dan',       'Miller',     'Mountain View', '2024-09-14 12:12:00', TRUE, NULL),
 (21, 'kathy.chase@example.com',      '(775) 223-7665',         'US', 'Kathy',     'Chase',      'Reno',       '2024-09-30 19:00:00', FALSE, NULL),
 (22, 'heather.leacock@example.com',  '+1 (407) 999-7788',      'US', 'Heather',   'Leacock',    'Orlando',    '2024-10-10 08:08:00', TRUE,  'bronze'),
 (23, 'john.gordon@example.com',      '+1 (617) 522-1333',      'US', 'John',      'Gordon',     'Boston',     '2024-10-21 14:00:00', TRUE,  NULL),
 (24, 'frank.ralston@example.com',    '+1 (312) 332-3232',      'US', 'Frank',     'Ralston',    'Chicago',    '2024-11-05 16:30:00', TRUE,  'gold'),
 (25, 'victor.stevens@example.com',   'call after 6pm',         'US', 'Victor',    'Stevens',    'Madison',    '2024-11-18 11:00:00', FALSE, NULL),
 (26, 'richard.cunningham@example.com', '+1 (817) 924-7272',    'US', 'Richard',   'Cunningham', 'Fort Worth', '2024-12-01 09:09:00', TRUE,  'silver'),
 (27, 'patrick.gray@example.com',     '+1 (520) 622-4200',      'US', 'Patrick',   'Gray',       'Tucson',     '2024-12-15 13:13:00', TRUE,  NULL),
 (28, 'julia.barnett@example.com',    '+1 (801) 531-7272',      'US', 'Julia',     'Barnett',    'Salt Lake City', '2025-01-03 10:00:00', TRUE, NULL),
 (29, 'robert.brown@example.ca',      '+1 (416) 363-8888',      'CA', 'Robert',    'Brown',      'Toronto',    '2025-01-20 15:15:00', FALSE, 'bronze'),
 (30, 'edward.francis@example.ca',    '+1 (613) 234-3322',      'CA', 'Edward',    'Francis',    'Ottawa',     '2025-02-02 08:45:00', TRUE,  NULL),
 (31, 'sakura.tanaka@example.jp',     '03-3227-1234',           'JP', 'さくら',     '田中',        '東京',        '2025-02-14 01:00:00', TRUE,  'gold'),
 (32, 'wei.zhang@example.cn',         '+86 10 6552 9999',       'CN', '伟',        '张',         '北京',        '2025-03-01 03:30:00', TRUE,  NULL),
 (33, 'dimitri.ivanov@example.ru',    '8 (495) 123-45-67',      'RU', 'Дмитрий',   'Иванов',     'Москва',     '2025-03-15 07:00:00', FALSE, NULL),
 (34, 'zoe.ohara@example.ie',         '+353 1 555 0199',        'IE', 'Zoë',       'O''Hara',    'Dublin',     '2025-04-01 12:34:00', TRUE,  'silver'),
 (35, 'mia.rossi@example.it',         '+39 06 4991 0000',       'IT', 'Mia',       'Rossi 🎉',    'Roma',       '2025-04-20 18:00:00', TRUE,  NULL),
 (36, NULL,                           'N/A',                    'FR', 'Camille',   'Dubois',     'Lyon',       '2025-05-05 09:00:00', FALSE, NULL),
 (37, 'Noah.Schmidt@Example.DE',      '+49 (0)30 1234567',      'DE', 'Noah',      'Schmidt',    'Berlin',     '2025-05-25 10:10:00', TRUE,  'bronze'),
 (38, 'olivia.martin@example.fr',     '01 42 68 53 00',         'FR', 'Olivia',    'Martin',     'Paris',      '2025-06-10 17:45:00', TRUE,  NULL),
 (39, 'lucas.garcia@example.es',      '+34 915 31 26 40',       'ES', 'Lucas',     'García',     'Madrid',     '2025-07-07 07:07:00', TRUE,  'gold'),
 (40, 'emma.wilson@example.au',       '(02) 9374 4000',         'AU', 'Emma',      'Wilson',     'Sydney',     '2025-08-08 08:08:00', FALSE, NULL);

INSERT INTO orders VALUES
 (1001, 1,  '2025-09-01 10:00:00', 'GBP',  59.90, 2, 'web'),
 (1002, 1,  '2025-10-12 14:30:00', 'GBP', 120.00, 3, 'web'),
 (1003, 2,  '2025-09-03 09:15:00', 'BRL', 349.50, 1, 'app'),
 (1004, 3,  '2025-09-05 16:45:00', 'EUR',  19.99, 1, 'web'),
 (1005, 4,  '2025-09-07 11:20:00', 'CAD',  75.25, 2, 'store'),
 (1006, 5,  '2025-09-09 12:00:00', 'NOK', 899.00, 4, 'web'),
 (1007, 5,  '2025-11-01 08:30:00', 'NOK', 149.00, 1, 'app'),
 (1008, 6,  '2025-09-11 13:13:00', 'CZK', 1250.00, 2, 'web'),
 (1009, 7,  '2025-09-13 15:00:00', 'CZK', 399.00, 1, 'web'),
 (1010, 8,  '2025-09-15 10:10:00', 'EUR',  42.00, 1, 'store'),
 (1011, 9,  '2025-09-17 17:17:00', 'EUR',  88.80, 3, 'web'),
 (1012, 10, '2025-09-19 19:19:00', 'DKK', 560.00, 2, 'app'),
 (1013, 11, '2025-09-21 09:09:00', 'BRL', 129.90, 1, 'web'),
 (1014, 12, '2025-09-23 14:14:00', 'BRL',  59.00, 1, 'web'),
 (1015, 14, '2025-09-25 18:18:00', 'CAD', 230.40, 5, 'web'),
 (1016, 16, '2025-09-27 20:20:00', 'USD', 999.99, 1, 'web'),
 (1017, 16, '2025-10-27 21:00:00', 'USD',  15.00, 1, 'app'),
 (1018, 16, '2025-11-27 22:00:00', 'USD', 310.10, 2, 'web'),
 (1019, 17, '2025-09-29 07:30:00', 'USD',  64.00, 2, 'store'),
 (1020, 19, '2025-10-01 12:00:00', 'USD',  25.50, 1, 'web'),
 (1021, 20, '2025-10-03 13:30:00', 'USD',  80.00, 2, 'app'),
 (1022, 22, '2025-10-05 16:00:00', 'USD', 145.00, 3, 'web'),
 (1023, 24, '2025-10-07 10:45:00', 'USD', 2100.00, 6, 'web'),
 (1024, 26, '2025-10-09 11:11:00', 'USD',  33.33, 1, 'web'),
 (1025, 28, '2025-10-11 09:00:00', 'USD',  72.00, 2, 'store'),
 (1026, 31, '2025-10-13 03:00:00', 'JPY', 12800.00, 2, 'web'),
 (1027, 32, '2025-10-15 04:30:00', 'CNY', 688.00, 3, 'app'),
 (1028, 34, '2025-10-17 18:00:00', 'EUR',  49.00, 1, 'web'),
 (1029, 35, '2025-10-19 19:45:00', 'EUR', 210.00, 2, 'web'),
 (1030, 37, '2025-10-21 08:00:00', 'EUR',  99.00, 1, 'web'),
 (1031, 39, '2025-10-23 12:30:00', 'EUR', 155.55, 3, 'app'),
 (1032, 40, '2025-10-25 06:00:00', 'AUD',  89.95, 1, 'web');

INSERT INTO order_lines VALUES
 (1001, 1, 'TEA-EARLGREY', 2, 29.95),
 (1002, 1, 'MUG-BLUE', 3, 40.00),
 (1003, 1, 'COFFEE-SANTOS', 1, 349.50),
 (1004, 1, 'TEA-SAMPLER', 1, 19.99),
 (1005, 1, 'MUG-RED', 1, 35.25),
 (1005, 2, 'SPOON-SET', 1, 40.00),
 (1006, 1, 'KETTLE-STEEL', 1, 599.00),
 (1006, 2, 'TEA-EARLGREY', 3, 100.00),
 (1016, 1, 'ESPRESSO-MACHINE', 1, 999.99),
 (1023, 1, 'GIFT-BOX', 6, 350.00);
