extension OpenAPIDocument {
    /// Flexible requests and release rounds, merged into the document.
    static let roundsText = #"""
    {
      "paths": {
        "/v1/challenge": {
          "get": {"summary": "An ALTCHA proof-of-work challenge (when the server requires proof of work)", "operationId": "challenge", "tags": ["abuse"],
                  "description": "ALTCHA's v1 protocol as its libraries implement it. The salt is random hex, its expiry and a closing & (…?expires=UNIX&); find number ≤ maxnumber with hex(SHA-256(salt + number)) = challenge, then send Altcha: base64(JSON{algorithm, challenge, number, salt, signature}) with the online hold, booking or request. signature = hex(HMAC-SHA-256(key, challenge)) where the key is the string TERMIN_POW_KEY as given (UTF-8, not decoded), so a portal's ALTCHA library sharing that string issues challenges Termin accepts and verifies Termin's. Accepted: SHA-256 only; a salt not ending in & is hashed with one appended, as ALTCHA's verifier does; the salt must carry expires, at most an hour ahead. Each solution is accepted once (403 proof-of-work-replayed); refusals are 403 problems naming the field Altcha. maxnumber grows under load.",
                  "responses": {"200": {"description": "A challenge", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Challenge"}}}},
                                "404": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/requests": {
          "post": {"summary": "A flexible request: services, ranked offices or near a point, time windows, needs", "operationId": "createRequest", "tags": ["requests"],
                   "description": "Where no release round claims the office-days it touches, it is placed at once at the best free start (served, then the preferred office, then the earliest: the solver's objective) and answered 201 with the booking. While a round is open for them it is collected (202) and allocated when the round closes. With identity caps on, a citizen has one open request per service (409 request-open) and the booking caps apply (409 booking-limit, 429 cancel-cool-down).",
                   "parameters": [{"$ref": "#/components/parameters/CitizenPseudonym"}, {"$ref": "#/components/parameters/Altcha"}],
                   "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FlexibleRequest"}}}},
                   "responses": {"201": {"description": "Booked at once", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Booking"}}}},
                                 "202": {"description": "Collected by a release round; read its state with the code", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CollectedRequest"}}},
                                         "links": {"ReadTheRequest": {"operationId": "getRequest", "parameters": {"id": "$response.body#/id", "header.Authorization": "Booking {$response.body#/code}"}}}},
                                 "403": {"$ref": "#/components/responses/Problem"},
                                 "409": {"$ref": "#/components/responses/Problem"},
                                 "422": {"$ref": "#/components/responses/Problem"}, "429": {"$ref": "#/components/responses/Problem"},
                                 "503": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/requests/{id}": {
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
          "get": {"summary": "A collected request's state: collected, served (with its booking, managed with the same code), unserved or carried (to a later round)", "operationId": "getRequest", "tags": ["requests"], "security": [{"bookingCode": []}],
                  "responses": {"200": {"description": "The state", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RequestState"}}}},
                                "401": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/rounds": {
          "get": {"summary": "The release rounds not yet closed (no seed)", "operationId": "listRounds", "tags": ["rounds"],
                  "responses": {"200": {"description": "Rounds", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RoundList"}}}}}},
          "post": {"summary": "Define a release round (leads and admins of every office in it)", "operationId": "createRound", "tags": ["rounds"], "security": [{"staff": []}],
                   "description": "From its creation until its close, online first-come bookings of its services at its office-days are refused (409 allocated-by-round); requests are collected from opens_at to closes_at and allocated at closes_at. The seed is drawn now; its SHA-256 (commitment) is published at once, the seed at the close.",
                   "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RoundDefinition"}}}},
                   "responses": {"201": {"description": "The round", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Round"}}},
                                         "links": {"ReadTheRound": {"operationId": "getRound", "parameters": {"id": "$response.body#/id"}}}},
                                 "401": {"$ref": "#/components/responses/Problem"},
                                 "403": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/rounds/{id}": {
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": \#(id)}],
          "get": {"summary": "A round; once closed with its report: seed, lottery rule, counts requested and served by service, office and need, the urgent share. No personal data.", "operationId": "getRound", "tags": ["rounds"],
                  "responses": {"200": {"description": "The round", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Round"}}}},
                                "404": {"$ref": "#/components/responses/Problem"}}}
        }
      },
      "schemas": {
        "FlexibleRequest": {"description": "Ranked offices, or a point and a distance (one of them, not both: 422)",
          "oneOf": [{"$ref": "#/components/schemas/RequestAtOffices"}, {"$ref": "#/components/schemas/RequestNearPoint"}]},
        "RequestAtOffices": {"type": "object", "required": ["offices", "services", "windows"], "properties": {
          "offices": {"type": "array", "minItems": 1, "maxItems": 10, "items": \#(id), "description": "Acceptable offices, most preferred first, none twice"},
          "services": {"$ref": "#/components/schemas/RequestedServices"}, "windows": {"$ref": "#/components/schemas/TimeWindows"},
          "needs": {"$ref": "#/components/schemas/Needs"}, "languages": {"$ref": "#/components/schemas/Languages"}, "contact": {"$ref": "#/components/schemas/Contact"}}},
        "RequestNearPoint": {"type": "object", "required": ["near", "services", "windows"], "properties": {
          "near": {"$ref": "#/components/schemas/NearPoint"},
          "kinds": {"type": "array", "items": {"$ref": "#/components/schemas/PlaceKind"}, "description": "Only places of these kinds (default: all); a call-back line (phone) is taken at any distance and ranked after every place to go to, and needs contact.phone"},
          "services": {"$ref": "#/components/schemas/RequestedServices"}, "windows": {"$ref": "#/components/schemas/TimeWindows"},
          "needs": {"$ref": "#/components/schemas/Needs"}, "languages": {"$ref": "#/components/schemas/Languages"}, "contact": {"$ref": "#/components/schemas/Contact"}}},
        "RequestedServices": {"type": "array", "minItems": 1, "maxItems": 5, "items": {"$ref": "#/components/schemas/ServiceQuantity"}},
        "NearPoint": {"type": "object", "required": ["lat", "lon", "km"], "description": "Every public office within km (at most 50) offering the services, nearest first",
          "properties": {"lat": {"type": "number", "minimum": -90, "maximum": 90}, "lon": {"type": "number", "minimum": -180, "maximum": 180}, "km": {"type": "number", "exclusiveMinimum": 0, "maximum": 50}}},
        "TimeWindows": {"type": "array", "minItems": 1, "maxItems": 10, "items": {"$ref": "#/components/schemas/TimeWindow"}},
        "TimeWindow": {"type": "object", "required": ["from", "to"], "properties": {
          "from": {"type": "string", "format": "date-time"}, "to": {"type": "string", "format": "date-time", "description": "After from; the whole appointment lies before it; at most 62 days after from"}}},
        "Challenge": {"type": "object", "required": ["algorithm", "challenge", "maxnumber", "salt", "signature"], "properties": {
          "algorithm": {"type": "string", "enum": ["SHA-256"]}, "challenge": {"type": "string"}, "maxnumber": {"type": "integer"},
          "salt": {"type": "string", "pattern": "^[0-9a-f]+\\?expires=[0-9]+&$", "description": "random hex, ?expires=UNIX seconds, and the closing & that keeps the number's digits out of the parameters"},
          "signature": {"type": "string", "description": "hex(HMAC-SHA-256(UTF-8 bytes of the key string, challenge))"}}},
        "RoundList": {"type": "object", "required": ["rounds"], "properties": {"rounds": {"type": "array", "items": {"$ref": "#/components/schemas/Round"}}}},
        "RoundDefinition": {"type": "object", "required": ["name", "offices", "services", "first_date", "last_date", "opens_at", "closes_at"], "properties": {
          "name": {"type": "string", "minLength": 1, "maxLength": 200}, "offices": {"type": "array", "minItems": 1, "maxItems": 20, "items": \#(id)},
          "services": {"type": "array", "minItems": 1, "maxItems": 50, "items": \#(id)},
          "first_date": {"type": "string", "format": "date"}, "last_date": {"type": "string", "format": "date", "description": "At most 31 days after first_date"},
          "opens_at": {"type": "string", "format": "date-time"}, "closes_at": {"type": "string", "format": "date-time", "description": "Before first_date"}}},
        "Round": {"type": "object", "required": ["id", "name", "offices", "services", "first_date", "last_date", "opens_at", "closes_at", "phase", "commitment"], "properties": {
          "id": {"type": "integer"}, "name": {"type": "string"}, "offices": {"type": "array", "items": {"type": "integer"}},
          "services": {"type": "array", "items": {"type": "integer"}}, "first_date": {"type": "string", "format": "date"}, "last_date": {"type": "string", "format": "date"},
          "opens_at": {"type": "string", "format": "date-time"}, "closes_at": {"type": "string", "format": "date-time"},
          "phase": {"type": "string", "enum": ["scheduled", "open", "due", "closed"]},
          "commitment": {"type": "string", "description": "SHA-256 of the seed, hex"},
          "report": {"$ref": "#/components/schemas/RoundReport"}}},
        "RoundReport": {"type": "object", "description": "Once the round is closed", "properties": {
          "seed": {"type": "string", "description": "32 bytes, hex; SHA-256 of its bytes is the commitment"},
          "lottery_rule": {"type": "string"}, "requested": {"type": "integer"}, "served": {"type": "integer"}, "carried_over": {"type": "integer"},
          "by_service": {"type": "array", "items": {"$ref": "#/components/schemas/RoundCount"}},
          "by_office": {"type": "array", "items": {"$ref": "#/components/schemas/RoundCount"}},
          "by_need": {"type": "array", "items": {"$ref": "#/components/schemas/RoundCount"}},
          "urgent": {"$ref": "#/components/schemas/UrgentShare"},
          "objective": {"type": "integer"}, "upper_bound": {"type": "integer"}}},
        "UrgentShare": {"type": "object", "properties": {"requested": {"type": "integer"}, "served": {"type": "integer"}, "share_served": {"type": "number"}}},
        "RoundCount": {"type": "object", "properties": {"key": {"type": "string"}, "requested": {"type": "integer"}, "served": {"type": "integer"}}},
        "CollectedRequest": {"type": "object", "required": ["id", "code", "state", "round"], "properties": {
          "id": {"type": "string", "format": "uuid"}, "code": {"type": "string", "description": "Shown once: reads the request and manages the booking it wins"},
          "state": {"type": "string", "enum": ["collected"]}, "round": {"$ref": "#/components/schemas/Round"}}},
        "RequestState": {"type": "object", "required": ["id", "state", "round"], "properties": {
          "id": {"type": "string", "format": "uuid"}, "state": {"type": "string", "enum": ["collected", "served", "unserved", "carried"]},
          "round": {"$ref": "#/components/schemas/Round"}, "lottery_rank": {"type": ["integer", "null"], "description": "1 is the best; set at the close"},
          "carried_to": {"type": ["string", "null"], "format": "uuid"}, "booking": {"$ref": "#/components/schemas/Booking"}}}
      }
    }
    """#
}
