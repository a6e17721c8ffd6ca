-- Service points: customer-care centres, agent points, pop-up desks, G2P points and drop
-- boxes. Written through `commit_with` with their audit event; read whole by the locator,
-- which keeps its own spatial index. PostgreSQL.

CREATE SEQUENCE point_ids;

CREATE TABLE service_points (
    id          BIGINT PRIMARY KEY,
    kind        TEXT NOT NULL,
    name_bn     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    address_bn  TEXT NOT NULL,
    address_en  TEXT NOT NULL,
    division    INTEGER NOT NULL,
    district    INTEGER NOT NULL,
    upazila     INTEGER,
    lat         DOUBLE PRECISION NOT NULL,
    lon         DOUBLE PRECISION NOT NULL,
    phone       TEXT,
    -- JSON array of service codes.
    services    TEXT NOT NULL,
    -- OpenStreetMap opening_hours, as typed.
    hours       TEXT NOT NULL,
    notice_bn   TEXT,
    notice_en   TEXT,
    -- YYYY-MM-DD, both ends included.
    active_from TEXT,
    active_to   TEXT,
    closed      BOOLEAN NOT NULL,
    updated_at  BIGINT NOT NULL,
    updated_by  BIGINT,
    version     BIGINT NOT NULL
);
CREATE INDEX service_points_district ON service_points(district, id);
CREATE INDEX service_points_kind ON service_points(kind, id);
