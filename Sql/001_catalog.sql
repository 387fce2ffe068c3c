-- Master data: offices, services, offers, desks, opening rules, per-office closures.
CREATE TABLE office (
    id                       bigint PRIMARY KEY,
    name_de                  text NOT NULL,
    name_en                  text,
    display_name             text NOT NULL,
    organization_unit        text,
    public                   boolean NOT NULL,
    street                   text NOT NULL,
    house_number             text NOT NULL,
    postal_code              text NOT NULL,
    city                     text NOT NULL,
    lat                      double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon                      double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    slot_minutes             int NOT NULL CHECK (slot_minutes BETWEEN 1 AND 1440),
    horizon_days             int NOT NULL CHECK (horizon_days BETWEEN 0 AND 730),
    min_notice_minutes       int NOT NULL CHECK (min_notice_minutes >= 0),
    online_withheld_percent  int NOT NULL CHECK (online_withheld_percent BETWEEN 0 AND 100),
    accessibility            text[] NOT NULL DEFAULT '{}'
);

CREATE TABLE service (
    id               bigint PRIMARY KEY,
    name_de          text NOT NULL,
    name_en          text,
    leika            text,
    duration_minutes int NOT NULL CHECK (duration_minutes > 0),
    max_quantity     int NOT NULL CHECK (max_quantity > 0),
    public           boolean NOT NULL
);

CREATE TABLE service_combination (
    service_id    bigint NOT NULL REFERENCES service(id),
    combinable_id bigint NOT NULL REFERENCES service(id),
    PRIMARY KEY (service_id, combinable_id)
);

CREATE TABLE offer (
    office_id       bigint NOT NULL REFERENCES office(id),
    service_id      bigint NOT NULL REFERENCES service(id),
    slot_units      int NOT NULL CHECK (slot_units > 0),
    bookable_online boolean NOT NULL,
    PRIMARY KEY (office_id, service_id)
);

CREATE TABLE desk (
    id          bigint PRIMARY KEY,
    office_id   bigint NOT NULL REFERENCES office(id),
    number      int NOT NULL CHECK (number >= 1),
    accessible  boolean NOT NULL,
    UNIQUE (office_id, number)
);

CREATE TABLE desk_service (
    desk_id    bigint NOT NULL REFERENCES desk(id),
    service_id bigint NOT NULL REFERENCES service(id),
    PRIMARY KEY (desk_id, service_id)
);

CREATE TABLE opening_rule (
    id            bigserial PRIMARY KEY,
    office_id     bigint NOT NULL REFERENCES office(id),
    weekdays      int[] NOT NULL CHECK (weekdays <@ ARRAY[1,2,3,4,5,6,7] AND cardinality(weekdays) > 0),
    valid_from    date NOT NULL,
    valid_to      date CHECK (valid_to IS NULL OR valid_to >= valid_from),
    start_minute  int NOT NULL CHECK (start_minute >= 0),
    end_minute    int NOT NULL CHECK (end_minute <= 1440 AND end_minute > start_minute),
    staffed_desks int NOT NULL CHECK (staffed_desks >= 1)
);

CREATE TABLE office_closure (
    office_id bigint NOT NULL REFERENCES office(id),
    day       date NOT NULL,
    reason    text NOT NULL,
    PRIMARY KEY (office_id, day)
);
