/// Offices by distance, for requests that say "near here" instead of naming offices.
extension Catalog {
    /// Largest radius a request may search, in kilometres (Munich is about 30 km across).
    public static let nearKmMax = 50.0

    /// The public offices within `km` of `geo` that can serve `services` with `needs` in `channel`, nearest first
    /// (ties by id), at most `FlexibleRequest.officesMax`.
    public func officesNear(_ geo: Office.Geo, km: Double, services: [ServiceRequest], channel: Channel,
                            needs: Needs) -> [Int] {
        offices.values
            .filter { $0.isPublic && (try? shape(officeID: $0.id, services: services, channel: channel, needs: needs)) != nil }
            .map { (id: $0.id, km: $0.geo.distanceKm(to: geo)) }
            .filter { $0.km <= km }
            .sorted { ($0.km, $0.id) < ($1.km, $1.id) }
            .prefix(FlexibleRequest.officesMax)
            .map(\.id)
    }
}
