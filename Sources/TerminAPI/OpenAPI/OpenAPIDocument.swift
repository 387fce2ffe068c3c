import TerminCore
import TerminJSON

/// The OpenAPI 3.1 description of every route, served at `GET /v1/openapi.json`: the booking routes here, the
/// counters' in `OpenAPIDocument+Counters.swift`, requests and rounds in `OpenAPIDocument+Rounds.swift`, the open
/// data in `OpenAPIDocument+OpenData.swift`, the outbox's in `OpenAPIDocument+Outbox.swift`, group sessions in
/// `OpenAPIDocument+Help.swift`, the earlier-time list in `OpenAPIDocument+Earlier.swift`, merged once;
/// the problem answers by status in `OpenAPIDocument+Problems.swift`. In the texts, `#/components/responses/Problem`
/// stands for the named problem response of the status it is listed under; statuses every route may answer are added
/// there, not written in the texts.
enum OpenAPIDocument {
    /// The texts merged into the main one, each with `paths`, and `schemas` and `parameters` for the components.
    static let parts = [countersText, roundsText, openDataText, outboxText, masterDataText, helpText, helpMasterDataText, earlierText]

    /// The merged document with sorted keys: each part's `paths`, `schemas` and `parameters` added to the main
    /// text's, the main text's member kept where both have one; then the problem answers.
    static let bytes: [UInt8] = {
        var document = parsed(text)
        for part in parts.map(parsed) {
            var components = document["components"] ?? .object([])
            for key in ["schemas", "parameters"] {
                components = replacing(key, in: components, with: merged(components[key], part[key]))
            }
            document = replacing("paths", in: document, with: merged(document["paths"], part["paths"]))
            document = replacing("components", in: document, with: components)
        }
        return withProblemResponses(document).bytes
    }()

    /// One of the texts, read. They are ours and tested to parse; a failure here is a defect caught by the OpenAPI test.
    static func parsed(_ text: String) -> JSONValue {
        guard let value = try? JSONReader.parse(Array(text.utf8)), case .object = value else {
            preconditionFailure("the OpenAPI texts parse")
        }
        return value
    }

    /// `base`'s members, then those of `extra` whose keys `base` lacks (both objects, or absent).
    static func merged(_ base: JSONValue?, _ extra: JSONValue?) -> JSONValue {
        guard case .object(var members) = base ?? .object([]) else { preconditionFailure("the OpenAPI texts merge objects") }
        guard case .object(let more) = extra ?? .object([]) else { preconditionFailure("the OpenAPI texts merge objects") }
        let keys = Set(members.map(\.key))
        members += more.filter { !keys.contains($0.key) }
        return .object(members)
    }

    /// `object` with its member `key` (every one of that key) replaced by `value`.
    static func replacing(_ key: String, in object: JSONValue, with value: JSONValue) -> JSONValue {
        guard case .object(let members) = object else { preconditionFailure("the OpenAPI texts merge objects") }
        return .object(members.filter { $0.key != key } + [JSONValue.Member(key: key, value: value)])
    }

    /// A positive id (office, service, round, desk id), at most Int64's largest.
    static let id = #"{"type": "integer", "format": "int64", "minimum": 1, "maximum": 9223372036854775807}"#

    /// The language codes as one alternation for a pattern: `de|en|…`.
    static let languageCodes = SpokenLanguage.codes.joined(separator: "|")

    static let text = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Termin",
        "version": "1.0.0",
        "description": "Appointment and service-location scheduling for Munich's citizen offices. Times are RFC 3339 with the Europe/Berlin offset. Every error is RFC 9457 application/problem+json naming the field at fault; each status's problem types are listed with it. Every route may answer 400 (a malformed request), 429 (over the client's request budget, with Retry-After; not /healthz, /readyz, /metrics) and 503 (busy or the database away, with Retry-After); routes with a body 413 and 415.",
        "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"}
      },
      "tags": [
        {"name": "catalogue", "description": "Offices and services"},
        {"name": "help", "description": "In-person help: group sessions and their seats"},
        {"name": "bookings", "description": "Free times, holds and bookings: the portal's routes"},
        {"name": "requests", "description": "Flexible requests"},
        {"name": "rounds", "description": "Release rounds"},
        {"name": "counters", "description": "Walk-in counters, check-in and calls"},
        {"name": "abuse", "description": "Proof of work"},
        {"name": "operations", "description": "Health, readiness, metrics and this document"},
        {"name": "pages", "description": "The counter's HTML pages"},
        {"name": "open data", "description": "Aggregate figures per office and day, under an open licence"},
        {"name": "master data", "description": "Opening rules, closing days, desks and booking rules of an office, and the bookings a change left outside them"}
      ],
      "paths": {
        "/healthz": {
          "get": {"summary": "Liveness", "operationId": "health", "tags": ["operations"],
                  "responses": {"200": {"description": "Serving", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}}}
        },
        "/readyz": {
          "get": {"summary": "Readiness: whether the database is reachable (writes need it; reads of free times answer from memory either way)", "operationId": "readiness", "tags": ["operations"],
                  "responses": {"200": {"description": "Ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Readiness"}}}},
                                "503": {"$ref": "#/components/responses/Problem"}}}
        },
        "/metrics": {
          "get": {"summary": "Prometheus metrics: requests by route and status, latency histograms, connections, ledger and commit-writer figures", "operationId": "metrics", "tags": ["operations"],
                  "responses": {"200": {"description": "Prometheus text format 0.0.4", "content": {"text/plain": {"schema": {"type": "string"}}}}}}
        },
        "/v1/openapi.json": {
          "get": {"summary": "This document", "operationId": "openapi", "tags": ["operations"],
                  "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OpenAPIDocument"}}}}}}
        },
        "/v1/services": {
          "get": {
            "summary": "The service catalogue", "operationId": "listServices", "tags": ["catalogue"],
            "parameters": [{"name": "office", "in": "query", "description": "Only services this office offers (none for an office that does not exist)", "schema": \#(id)}],
            "responses": {
              "200": {"description": "Services", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ServiceList"}}}}
            }
          }
        },
        "/v1/offices": {
          "get": {
            "summary": "Service locations", "operationId": "listOffices", "tags": ["catalogue"],
            "parameters": [{"name": "service", "in": "query", "description": "Only offices offering this service (none for a service that does not exist)", "schema": \#(id)},
                           {"name": "kind", "in": "query", "description": "Only places of these kinds, comma-separated", "schema": {"type": "string", "pattern": "^(citizen_office|help_desk|mobile|phone)(,(citizen_office|help_desk|mobile|phone))*$"}}],
            "responses": {
              "200": {"description": "Offices", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OfficeList"}}},
                      "links": {
                        "TheOffice": {"operationId": "getOffice", "parameters": {"id": "$response.body#/offices/0/id"}},
                        "TheQueue": {"operationId": "queueStatus", "parameters": {"id": "$response.body#/offices/0/id"}},
                        "DrawATicket": {"operationId": "drawTicket", "parameters": {"id": "$response.body#/offices/0/id"}},
                        "TheTickets": {"operationId": "listTickets", "parameters": {"id": "$response.body#/offices/0/id"}},
                        "CheckIn": {"operationId": "checkIn", "parameters": {"id": "$response.body#/offices/0/id"}},
                        "CallNext": {"operationId": "callNext", "parameters": {"id": "$response.body#/offices/0/id"}},
                        "ChangeADesk": {"operationId": "changeDesk", "parameters": {"id": "$response.body#/offices/0/id"}},
                        "TheAudit": {"operationId": "auditLog", "parameters": {"id": "$response.body#/offices/0/id"}},
                        "TheCalls": {"operationId": "callStream", "parameters": {"id": "$response.body#/offices/0/id"}}}},
              "422": {"$ref": "#/components/responses/Problem"}
            }
          }
        },
        "/v1/offices/{id}": {
          "parameters": [{"$ref": "#/components/parameters/OfficeID"}],
          "get": {
            "summary": "One service location", "operationId": "getOffice", "tags": ["catalogue"],
            "responses": {
              "200": {"description": "The office", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Office"}}}},
              "404": {"$ref": "#/components/responses/Problem"}
            }
          }
        },
        "/v1/availability": {
          "get": {
            "summary": "Free start times for a combination of services",
            "description": "An appointment needs the sum of its services' durations times their quantities as consecutive time on one desk qualified for all of them. Closing days, opening hours, the booking horizon, the minimum notice and the share of desk time withheld from online booking are applied. An office or service that does not exist, or that does not offer the services, is a 422 naming the field.",
            "operationId": "availability", "tags": ["bookings"],
            "parameters": [
              {"$ref": "#/components/parameters/Offices"}, {"$ref": "#/components/parameters/Services"},
              {"$ref": "#/components/parameters/From"}, {"$ref": "#/components/parameters/To"},
              {"$ref": "#/components/parameters/ChannelQuery"}, {"$ref": "#/components/parameters/NeedsQuery"}, {"$ref": "#/components/parameters/LanguagesQuery"}
            ],
            "responses": {
              "200": {"description": "Free starts per office and day, with ETag and Cache-Control", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Availability"}}}},
              "304": {"description": "Unchanged since the ETag named in If-None-Match"},
              "422": {"$ref": "#/components/responses/Problem"}
            }
          }
        },
        "/v1/availability/days": {
          "get": {
            "summary": "A calendar's view: per office and open day, how many free starts and the first",
            "description": "The same query and rules as /v1/availability. Open days with nothing free have free_starts 0 and first null; closed days are left out. The ETag changes when free time in the range changes (and every minute, as the minimum notice moves); If-None-Match answers 304; online answers may be cached for 5 seconds.",
            "operationId": "availabilityDays", "tags": ["bookings"],
            "parameters": [
              {"$ref": "#/components/parameters/Offices"}, {"$ref": "#/components/parameters/Services"},
              {"$ref": "#/components/parameters/From"}, {"$ref": "#/components/parameters/To"},
              {"$ref": "#/components/parameters/ChannelQuery"}, {"$ref": "#/components/parameters/NeedsQuery"}, {"$ref": "#/components/parameters/LanguagesQuery"},
              {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}}
            ],
            "responses": {
              "200": {"description": "Per office and day", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AvailabilityDays"}}}},
              "304": {"description": "Unchanged since the ETag named in If-None-Match"},
              "422": {"$ref": "#/components/responses/Problem"}
            }
          }
        },
        "/v1/holds": {
          "post": {
            "summary": "Hold a time for a few minutes while the citizen completes the form", "operationId": "createHold", "tags": ["bookings"],
            "description": "Online without credentials; in the staff and walk_in channels with the token of staff serving the office (401 without one, 403 with one that does not cover it).",
            "parameters": [{"$ref": "#/components/parameters/Altcha"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HoldRequest"}}}},
            "responses": {
              "201": {"description": "Held", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Hold"}}},
                      "links": {"BookTheHold": {"operationId": "createBooking", "requestBody": {"hold": "$response.body#/id"},
                                                "description": "Book the held time"}}},
              "401": {"$ref": "#/components/responses/Problem"},
              "403": {"$ref": "#/components/responses/Problem"},
              "409": {"$ref": "#/components/responses/Problem"},
              "422": {"$ref": "#/components/responses/Problem"}
            }
          }
        },
        "/v1/bookings": {
          "post": {
            "summary": "Book: confirm a hold, or book a time directly", "operationId": "createBooking", "tags": ["bookings"],
            "description": "201 means committed to the database. With an Idempotency-Key, the same request returns the same booking; another request with the same key is a 422. The code in the answer is shown once: it is the citizen's key to the booking. With identity caps on (termin serve's default), an online booking names its citizen (contact.email, or Citizen-Pseudonym from the portal): 409 booking-limit when the citizen holds the most live bookings one may, 429 cancel-cool-down (with Retry-After) after cancelling the same service recently.",
            "parameters": [{"name": "Idempotency-Key", "in": "header", "description": "1 to 255 bytes", "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^\\S(.*\\S)?$"}},
                           {"$ref": "#/components/parameters/CitizenPseudonym"}, {"$ref": "#/components/parameters/Altcha"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BookingRequest"}}}},
            "responses": {
              "201": {"description": "Booked", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Booking"}}},
                      "links": {
                        "ReadTheBooking": {"operationId": "getBooking", "parameters": {"id": "$response.body#/id", "header.Authorization": "Booking {$response.body#/code}"}},
                        "MoveTheBooking": {"operationId": "moveBooking", "parameters": {"id": "$response.body#/id", "header.Authorization": "Booking {$response.body#/code}"}},
                        "TheBookingsCalendar": {"operationId": "getBookingCalendar", "parameters": {"id": "$response.body#/id", "header.Authorization": "Booking {$response.body#/code}"}},
                        "CancelTheBooking": {"operationId": "cancelBooking", "parameters": {"id": "$response.body#/id", "header.Authorization": "Booking {$response.body#/code}"}}}},
              "401": {"$ref": "#/components/responses/Problem"},
              "403": {"$ref": "#/components/responses/Problem"},
              "409": {"$ref": "#/components/responses/Problem"},
              "410": {"$ref": "#/components/responses/Problem"},
              "422": {"$ref": "#/components/responses/Problem"}
            }
          }
        },
        "/v1/bookings/{id}": {
          "parameters": [{"$ref": "#/components/parameters/BookingID"}],
          "get": {
            "summary": "Read a booking", "operationId": "getBooking", "tags": ["bookings"], "security": [{"bookingCode": []}],
            "responses": {
              "200": {"description": "The booking", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Booking"}}}},
              "401": {"$ref": "#/components/responses/Problem"},
              "404": {"$ref": "#/components/responses/Problem"}
            }
          },
          "delete": {
            "summary": "Cancel a booking; its time becomes bookable again", "operationId": "cancelBooking", "tags": ["bookings"], "security": [{"bookingCode": []}, {"staff": []}],
            "description": "The citizen (Authorization: Booking <code>) until the booking's cut-off before the start: the office's change_cutoff_minutes (two hours unless the office sets another), or a service's longer one; later, 409 change-cutoff-passed. Staff serving the booking's office (Authorization: Bearer) at any time, audited.",
            "responses": {
              "200": {"description": "Cancelled", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Booking"}}}},
              "401": {"$ref": "#/components/responses/Problem"},
              "403": {"$ref": "#/components/responses/Problem"},
              "404": {"$ref": "#/components/responses/Problem"},
              "409": {"$ref": "#/components/responses/Problem"}
            }
          }
        },
        "/v1/bookings/{id}/move": {
          "parameters": [{"$ref": "#/components/parameters/BookingID"}],
          "post": {
            "summary": "Move a booking to another time (and office), keeping its id and code", "operationId": "moveBooking", "tags": ["bookings"], "security": [{"bookingCode": []}, {"staff": []}],
            "description": "The new time is reserved as a booking's is (opening hours, the channel's share, needs, notice, release rounds) and the booking moves onto it in one transaction: the old time is free only once the move is committed, and a refused move leaves the booking as it was. Not a new booking for the per-citizen caps, and no cancel cool-down. The citizen (Authorization: Booking <code>) moves until the office's change_cutoff_minutes before the old start (409 change-cutoff-passed); staff serving both offices (Authorization: Bearer) at any time, audited. A move to the time the booking has changes nothing. The calendar file keeps its UID and raises SEQUENCE. 409 slot-taken when the time is taken, 409 booking-state for a cancelled booking, a no-show, or one moved meanwhile; with a hold, 422 hold-unknown and 410 hold-expired as when booking from it.",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MoveRequest"}}}},
            "responses": {
              "200": {"description": "Moved", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Booking"}}}},
              "401": {"$ref": "#/components/responses/Problem"},
              "403": {"$ref": "#/components/responses/Problem"},
              "404": {"$ref": "#/components/responses/Problem"},
              "409": {"$ref": "#/components/responses/Problem"},
              "410": {"$ref": "#/components/responses/Problem"},
              "422": {"$ref": "#/components/responses/Problem"}
            }
          }
        },
        "/v1/bookings/{id}/calendar.ics": {
          "parameters": [{"$ref": "#/components/parameters/BookingID"}],
          "get": {
            "summary": "The booking as an iCalendar file (RFC 5545, TZID Europe/Berlin)", "operationId": "getBookingCalendar", "tags": ["bookings"], "security": [{"bookingCode": []}],
            "responses": {
              "200": {"description": "Calendar", "content": {"text/calendar": {"schema": {"type": "string"}}}},
              "401": {"$ref": "#/components/responses/Problem"},
              "404": {"$ref": "#/components/responses/Problem"}
            }
          }
        }
      },
      "components": {
        "securitySchemes": {
          "bookingCode": {"type": "http", "scheme": "Booking", "description": "Authorization: Booking <code>. Without an Authorization header, 401; a wrong code, or a booking that does not exist, 404."},
          "staff": {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer <token> of a staff account (termin staff add): for the counter routes and for holds and bookings in the staff and walk_in channels. Roles (clerk, lead, planner, admin) are scoped to offices: 401 for a missing, unknown or revoked token, 403 for a role or office it does not cover."}
        },
        "parameters": {
          "BookingID": {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}},
          "Altcha": {"name": "Altcha", "in": "header", "description": "With termin serve --proof-of-work on, an online write carries a solved ALTCHA challenge (see GET /v1/challenge; a portal's ALTCHA challenges under the shared key string are accepted too): base64(JSON{algorithm, challenge, number, salt, signature}). Missing, forged, wrong, expired or replayed: 403, field Altcha. Staff (Authorization) send none.", "schema": {"type": "string"}},
          "CitizenPseudonym": {"name": "Citizen-Pseudonym", "in": "header", "description": "The portal's name for a signed-in citizen, for the per-identity caps (wins over contact.email), 1 to 255 bytes. Accepted only from a trusted proxy (termin serve --trusted-proxy), else 403. Stored only as a keyed hash.", "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^\\S(.*\\S)?$"}},
          "OfficeID": {"name": "id", "in": "path", "required": true, "description": "An office id (404 when there is no such office)", "schema": \#(id)},
          "TicketID": {"name": "ticket", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}},
          "DeskNumber": {"name": "desk", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1, "maximum": 999}},
          "Offices": {"name": "office", "in": "query", "required": true, "description": "Office ids, comma-separated (at most 20, none twice)", "schema": {"type": "string", "pattern": "^[1-9][0-9]{0,17}(,[1-9][0-9]{0,17}){0,19}$", "examples": ["102522,10489"]}},
          "Services": {"name": "service", "in": "query", "required": true, "description": "ID or ID:QTY, comma-separated (at most 5)", "schema": {"type": "string", "pattern": "^[1-9][0-9]{0,17}(:[0-9]{1,18})?(,[1-9][0-9]{0,17}(:[0-9]{1,18})?){0,4}$", "examples": ["1063441:2,1063453"]}},
          "From": {"name": "from", "in": "query", "required": true, "schema": {"type": "string", "format": "date"}},
          "To": {"name": "to", "in": "query", "required": true, "description": "Inclusive; on or after from, and at most 62 days after it", "schema": {"type": "string", "format": "date"}},
          "ChannelQuery": {"name": "channel", "in": "query", "description": "online (default), staff or walk_in (free times are public in every channel; booking in staff and walk_in needs a staff token)", "schema": {"$ref": "#/components/schemas/Channel"}},
          "NeedsQuery": {"name": "needs", "in": "query", "description": "wheelchair: only accessible desks", "schema": {"$ref": "#/components/schemas/Need"}},
          "LanguagesQuery": {"name": "languages", "in": "query", "description": "Only desks that help in one of these languages (ISO 639-1, comma-separated); a desk without a helper speaks German", "schema": {"type": "string", "pattern": "^(\#(languageCodes))(,(\#(languageCodes)))*$"}}
        },
        "schemas": {
          "Health": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "enum": ["ok"]}}},
          "Readiness": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "enum": ["ready"]}}},
          "OpenAPIDocument": {"type": "object", "description": "An OpenAPI 3.1 document", "required": ["openapi", "info", "paths"], "properties": {"openapi": {"type": "string"}, "info": {"type": "object"}, "paths": {"type": "object"}}},
          "Channel": {"type": "string", "enum": ["online", "staff", "walk_in"]},
          "ServiceQuantity": {"type": "object", "required": ["id"], "properties": {"id": \#(id), "quantity": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 9223372036854775807, "default": 1, "description": "At most the service's max_quantity (else 422)"}}},
          "Service": {"type": "object", "required": ["id", "name_de", "duration_minutes", "max_quantity", "public", "combinable_with"], "properties": {
            "id": {"type": "integer"}, "name_de": {"type": "string"}, "name_en": {"type": ["string", "null"]}, "leika": {"type": ["string", "null"]},
            "duration_minutes": {"type": "integer"}, "max_quantity": {"type": "integer"}, "public": {"type": "boolean"},
            "combinable_with": {"type": "array", "items": {"type": "integer"}},
            "change_cutoff_minutes": {"type": "integer", "description": "When set, a booking with this service can be moved or cancelled online only until this many minutes before its start, if longer than its office's cut-off"}}},
          "ServiceList": {"type": "object", "required": ["services"], "properties": {"services": {"type": "array", "items": {"$ref": "#/components/schemas/Service"}}}},
          "Address": {"type": "object", "properties": {"street": {"type": "string"}, "house_number": {"type": "string"}, "postal_code": {"type": "string"}, "city": {"type": "string"}}},
          "GeoPoint": {"type": "object", "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}}},
          "OfficeService": {"type": "object", "description": "A service as this office offers it", "required": ["id", "duration_minutes", "slot_units", "bookable_online"], "properties": {
            "id": {"type": "integer"}, "duration_minutes": {"type": "integer"}, "slot_units": {"type": "integer"}, "bookable_online": {"type": "boolean"},
            "reserved_for": {"type": "string", "description": "Whom the offer is reserved for (e.g. the residents of a care home): only a helper or an intermediary books it for them; others get 422 reserved-offer"}}},
          "Office": {"type": "object", "required": ["id", "name_de", "display_name", "address", "geo", "time_zone", "slot_minutes", "services"], "properties": {
            "id": {"type": "integer"}, "name_de": {"type": "string"}, "name_en": {"type": ["string", "null"]}, "display_name": {"type": "string"},
            "organization_unit": {"type": ["string", "null"]}, "public": {"type": "boolean"},
            "address": {"$ref": "#/components/schemas/Address"}, "geo": {"$ref": "#/components/schemas/GeoPoint"},
            "time_zone": {"type": "string", "enum": ["Europe/Berlin"]}, "slot_minutes": {"type": "integer"}, "horizon_days": {"type": "integer"},
            "min_notice_minutes": {"type": "integer"}, "online_withheld_percent": {"type": "integer"},
            "change_cutoff_minutes": {"type": "integer", "description": "How late a citizen may move or cancel, in minutes before the start (a service may set a longer one)"},
            "accessibility": {"type": "array", "items": {"type": "string"}},
            "kind": {"$ref": "#/components/schemas/PlaceKind"},
            "route": {"type": ["string", "null"], "description": "The route a mobile stop belongs to"},
            "demo": {"type": "boolean", "description": "Made-up data for demonstrations, not a real place"},
            "services": {"type": "array", "items": {"$ref": "#/components/schemas/OfficeService"}}}},
          "PlaceKind": {"type": "string", "enum": ["citizen_office", "help_desk", "mobile", "phone"], "description": "A citizen office; an in-person help desk served by helpers; a mobile office's stop; a call-back line (the helper calls the citizen)"},
          "OfficeList": {"type": "object", "required": ["offices"], "properties": {"offices": {"type": "array", "items": {"$ref": "#/components/schemas/Office"}}}},
          "DayStarts": {"type": "object", "required": ["date", "starts"], "properties": {"date": {"type": "string", "format": "date"}, "starts": {"type": "array", "items": {"type": "string", "format": "date-time"}}}},
          "OfficeStarts": {"type": "object", "required": ["office", "days"], "properties": {"office": {"type": "integer"}, "days": {"type": "array", "items": {"$ref": "#/components/schemas/DayStarts"}}}},
          "Availability": {"type": "object", "required": ["offices"], "properties": {"offices": {"type": "array", "items": {"$ref": "#/components/schemas/OfficeStarts"}}}},
          "DayCount": {"type": "object", "required": ["date", "free_starts", "first"], "properties": {"date": {"type": "string", "format": "date"}, "free_starts": {"type": "integer", "minimum": 0}, "first": {"type": ["string", "null"], "format": "date-time"}}},
          "OfficeDays": {"type": "object", "required": ["office", "days"], "properties": {"office": {"type": "integer"}, "days": {"type": "array", "items": {"$ref": "#/components/schemas/DayCount"}}}},
          "AvailabilityDays": {"type": "object", "required": ["offices"], "properties": {"offices": {"type": "array", "items": {"$ref": "#/components/schemas/OfficeDays"}}}},
          "HoldRequest": {"type": "object", "required": ["office", "start", "services"], "properties": {
            "office": \#(id), "start": {"type": "string", "format": "date-time"},
            "services": {"type": "array", "minItems": 1, "maxItems": 5, "items": {"$ref": "#/components/schemas/ServiceQuantity"}},
            "channel": {"$ref": "#/components/schemas/Channel"}, "needs": {"$ref": "#/components/schemas/Needs"}, "languages": {"$ref": "#/components/schemas/Languages"}}},
          "MoveRequest": {"type": "object", "description": "Either start (with office to change office, and needs as when booking), or hold: a live hold for the same services and channel, whose time the booking takes (the hold is used up).", "properties": {
            "office": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 9223372036854775807, "description": "Another office to move to (default: the booking's)"},
            "start": {"type": "string", "format": "date-time"}, "needs": {"$ref": "#/components/schemas/Needs"}, "languages": {"$ref": "#/components/schemas/Languages"},
            "hold": {"type": "string", "format": "uuid"}}},
          "Needs": {"type": "array", "items": {"$ref": "#/components/schemas/Need"}, "description": "What the citizen needs of the desk"},
          "Need": {"type": "string", "enum": ["wheelchair"], "description": "wheelchair: only accessible desks"},
          "Languages": {"type": "array", "items": {"$ref": "#/components/schemas/Language"}, "description": "Help in any of these languages: only desks whose helper speaks one (a desk without a helper speaks German)"},
          "Language": {"type": "string", "enum": [\#(SpokenLanguage.codes.map { "\"\($0)\"" }.joined(separator: ", "))], "description": "ISO 639-1"},
          "Hold": {"type": "object", "required": ["id", "office", "start", "end", "expires_at", "services"], "properties": {
            "id": {"type": "string", "format": "uuid"}, "office": {"type": "integer"}, "start": {"type": "string", "format": "date-time"},
            "end": {"type": "string", "format": "date-time"}, "expires_at": {"type": "string", "format": "date-time"},
            "services": {"type": "array", "items": {"$ref": "#/components/schemas/ServiceQuantity"}}}},
          "Contact": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 200}, "email": {"type": "string", "format": "email", "maxLength": 254}, "language": {"type": "string", "enum": ["de", "en"], "description": "The language of the citizen's mails (unset: German, with English below)"}, "phone": {"type": "string", "pattern": "^\\+?[0-9]{6,15}$", "description": "The number a call-back line calls (required there): 6 to 15 digits without spaces, a leading + for an international one"}}},
          "HoldConfirmation": {"type": "object", "description": "Book the time of a live hold", "required": ["hold"], "properties": {
            "hold": {"type": "string", "format": "uuid"}, "contact": {"$ref": "#/components/schemas/Contact"}}},
          "DirectBooking": {"type": "object", "description": "Book a time without holding it first", "required": ["office", "start", "services"], "properties": {
            "office": \#(id), "start": {"type": "string", "format": "date-time"},
            "services": {"type": "array", "minItems": 1, "maxItems": 5, "items": {"$ref": "#/components/schemas/ServiceQuantity"}},
            "channel": {"$ref": "#/components/schemas/Channel"}, "needs": {"$ref": "#/components/schemas/Needs"}, "languages": {"$ref": "#/components/schemas/Languages"},
            "contact": {"$ref": "#/components/schemas/Contact"}}},
          "BookingRequest": {"description": "A hold to confirm, or office, start and services to book directly (not both: 422)",
            "oneOf": [{"$ref": "#/components/schemas/HoldConfirmation"}, {"$ref": "#/components/schemas/DirectBooking"}]},
          "Booking": {"type": "object", "required": ["id", "status", "office", "start", "end", "channel", "services"], "properties": {
            "id": {"type": "string", "format": "uuid"}, "code": {"type": "string", "description": "Only when the booking is created"},
            "status": {"type": "string", "enum": ["confirmed", "cancelled", "no_show"]}, "office": {"type": "integer"},
            "start": {"type": "string", "format": "date-time"}, "end": {"type": "string", "format": "date-time"},
            "channel": {"$ref": "#/components/schemas/Channel"},
            "services": {"type": "array", "items": {"$ref": "#/components/schemas/ServiceQuantity"}},
            "contact": {"$ref": "#/components/schemas/Contact"}}},
          "Problem": {"type": "object", "required": ["type", "title", "status", "detail"], "properties": {
            "type": {"type": "string", "format": "uri", "description": "urn:termin:problem:<slug> (each status lists its slugs), or about:blank when the status says it all"},
            "title": {"type": "string"}, "status": {"type": "integer"},
            "detail": {"type": "string"}, "field": {"type": "string", "description": "The request field at fault"}}}
        }
      }
    }
    """#
}
