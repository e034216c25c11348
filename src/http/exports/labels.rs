//! What the workbooks call each kind of record, in the words of a ward's reports.

use crate::domain::{
    campaign::GoodDeedCategory,
    incident::IncidentCategory,
    movement::{AwardIssuer, EventKind, ModelKind, ModelStatus, RecipientKind},
};

/// A good deed's category.
pub(super) fn good_deed(category: GoodDeedCategory) -> &'static str {
    match category {
        GoodDeedCategory::CrimeReport => "Tố giác tội phạm",
        GoodDeedCategory::FirePrevention => "Phòng cháy, chữa cháy",
        GoodDeedCategory::LostPropertyReturned => "Trả lại của rơi",
        GoodDeedCategory::DisputeMediation => "Hòa giải mâu thuẫn",
        GoodDeedCategory::ReintegrationSupport => "Giúp người hoàn lương",
        GoodDeedCategory::TrafficSafety => "An toàn giao thông",
        GoodDeedCategory::Patrol => "Tuần tra",
        GoodDeedCategory::DrugPrevention => "Phòng chống ma túy",
        GoodDeedCategory::Other => "Việc tốt khác",
    }
}

/// An incident category.
pub(super) fn incident(category: IncidentCategory) -> &'static str {
    match category {
        IncidentCategory::SecurityOrder => "An ninh, trật tự",
        IncidentCategory::TrafficAccident => "Tai nạn giao thông",
        IncidentCategory::Fire => "Cháy, nổ",
        IncidentCategory::SeriousCrime => "Tội phạm nghiêm trọng",
        IncidentCategory::MassComplaint => "Khiếu kiện đông người",
    }
}

/// A self-management model's kind.
pub(super) fn model_kind(kind: ModelKind) -> &'static str {
    match kind {
        ModelKind::Reintegration => "Giúp người hoàn lương",
        ModelKind::SecurityCameras => "Camera an ninh",
        ModelKind::ReportingChannel => "Kênh tiếp nhận tin báo",
        ModelKind::FireSafetyGroup => "Tổ liên gia an toàn PCCC",
        ModelKind::PublicFirePoint => "Điểm chữa cháy công cộng",
        ModelKind::Other => "Mô hình khác",
    }
}

/// Where a model stands.
pub(super) fn model_status(status: ModelStatus) -> &'static str {
    match status {
        ModelStatus::Active => "Đang hoạt động",
        ModelStatus::Suspended => "Tạm dừng",
        ModelStatus::Ended => "Đã kết thúc",
    }
}

/// Who issued an award; `OTHER` is told by its issuer's name.
pub(super) fn issuer(issuer: AwardIssuer, name: Option<&str>) -> &str {
    match issuer {
        AwardIssuer::CityPeoplesCommittee => "Chủ tịch UBND thành phố",
        AwardIssuer::WardPeoplesCommittee => "Chủ tịch UBND phường",
        AwardIssuer::Other => name.unwrap_or("Khác"),
    }
}

/// Whom an award went to.
pub(super) fn recipient(kind: RecipientKind) -> &'static str {
    match kind {
        RecipientKind::Collective => "Tập thể",
        RecipientKind::Individual => "Cá nhân",
    }
}

/// A movement event's kind.
pub(super) fn event(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Festival => "Ngày hội",
        EventKind::Forum => "Diễn đàn",
        EventKind::Other => "Sự kiện khác",
    }
}
