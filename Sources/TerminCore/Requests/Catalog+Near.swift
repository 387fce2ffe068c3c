/// Offices by distance, for requests that say "near here" instead of naming offices.
extension Catalog {
    /// Largest radius a request may search, in kilometres (Munich is about 30 km across).
    public static let nearKmMax = 50.0

    /// The public offices within `km` of `geo` that can serve `services` with `needs` in `channel`, nearest first
    /// (ties by id), at most `FlexibleRequest.officesMax`.
    ///
    /// Only places of `kinds`; a call-back line reaches the citizen wherever they are, so it is taken at any distance
    /// and ranked after every place to go to ("in person if near, else a call-back").
    public func officesNear(_ geo: Office.Geo, km: Double, services: [ServiceRequest], channel: Channel,
                            needs: Needs, kinds: Set<Office.Kind> = Set(Office.Kind.allCases)) -> [Int] {
        offices.values
            .filter { kinds.contains($0.kind) && $0.isPublic
                      && (try? shape(officeID: $0.id, services: services, channel: channel, needs: needs)) != nil }
            .map { (id: $0.id, callBack: $0.kind == .phone, km: $0.geo.distanceKm(to: geo)) }
            .filter { $0.callBack || $0.km <= km }
            .sorted { ($0.callBack ? 1 : 0, $0.km, $0.id) < ($1.callBack ? 1 : 0, $1.km, $1.id) }
            .prefix(FlexibleRequest.officesMax)
            .map(\.id)
    }
}
