//! The sheets of a year's records: surveys with their results per question, models, awards and
//! events, each in the report's order. A record of a group is named by the group's name; one of the
//! whole ward by "Toàn phường".

use std::collections::HashMap;

use uuid::Uuid;

use super::{share, title};
use crate::{
    domain::survey::satisfaction_rate,
    http::exports::{
        labels,
        sheet::{Sheet, Value},
    },
    service::year_report::YearReport,
};

/// What names a record of the whole ward, where a group's name would be.
const WHOLE_WARD: &str = "Toàn phường";

/// The group a record belongs to, by name.
fn group_of<'a>(names: &HashMap<Uuid, &'a str>, group_id: Option<Uuid>) -> &'a str {
    group_id.map_or(WHOLE_WARD, |id| names.get(&id).copied().unwrap_or_default())
}

fn text_or_empty(value: Option<&str>) -> Value<'_> {
    value.map_or(Value::Empty, Value::Text)
}

fn count_or_empty(value: Option<i32>) -> Value<'static> {
    value.map_or(Value::Empty, |n| Value::Count(i64::from(n)))
}

const SURVEY_HEADERS: [&str; 12] = [
    "Khảo sát",
    "Ngày khảo sát",
    "Phạm vi",
    "Số phiếu",
    "Câu hỏi số",
    "Câu hỏi",
    "Số câu trả lời",
    "Rất hài lòng",
    "Hài lòng",
    "Bình thường",
    "Không hài lòng",
    "Tỷ lệ hài lòng (%)",
];

/// What the row of a survey's answers to all its questions says in the question's column.
pub(super) const WHOLE_BALLOT: &str = "Cả phiếu (mọi câu hỏi)";

/// A row per survey result for all its questions together, then one per question.
pub(super) fn surveys<'a>(report: &'a YearReport, names: &HashMap<Uuid, &'a str>) -> Sheet<'a> {
    let mut rows = Vec::new();
    for results in &report.surveys {
        let survey = &results.survey.survey;
        let scope = group_of(names, results.group_id);
        let lead = |position: Value<'a>, question: &'a str| {
            vec![
                Value::Text(&survey.title),
                Value::Date(survey.conducted_on),
                Value::Text(scope),
                Value::Count(results.ballot_count as i64),
                position,
                Value::Text(question),
            ]
        };
        let mut all = [0; 4];
        for question in &results.questions {
            for (sum, n) in all.iter_mut().zip(question.counts) {
                *sum += n;
            }
        }
        let figures = |counts: [u64; 4], rate: Option<f64>| {
            let mut cells = vec![Value::Count(counts.iter().sum::<u64>() as i64)];
            cells.extend(counts.iter().map(|n| Value::Count(*n as i64)));
            cells.push(share(rate));
            cells
        };
        let mut row = lead(Value::Empty, WHOLE_BALLOT);
        row.extend(figures(all, satisfaction_rate(&all)));
        rows.push(row);
        for question in &results.questions {
            let position = Value::Count(i64::from(question.question.position));
            let mut row = lead(position, &question.question.text);
            row.extend(figures(question.counts, question.satisfaction_rate()));
            rows.push(row);
        }
    }
    Sheet {
        name: "Khảo sát",
        title: title(report, "Khảo sát sự hài lòng của Nhân dân"),
        as_of: report.as_of,
        headers: &SURVEY_HEADERS,
        rows,
        totals: None,
    }
}

const MODEL_HEADERS: [&str; 8] = [
    "Tên mô hình",
    "Loại mô hình",
    "Tổ dân phố",
    "Ngày bắt đầu",
    "Ngày kết thúc",
    "Trạng thái",
    "Số hộ tham gia",
    "Số thiết bị, điểm",
];

pub(super) fn models<'a>(report: &'a YearReport, names: &HashMap<Uuid, &'a str>) -> Sheet<'a> {
    let rows = report.models.iter().map(|model| {
        vec![
            Value::Text(&model.name),
            Value::Text(labels::model_kind(model.kind)),
            Value::Text(group_of(names, model.group_id)),
            Value::Date(model.started_on),
            model.ended_on.map_or(Value::Empty, Value::Date),
            Value::Text(labels::model_status(model.status)),
            Value::Count(i64::from(model.participating_household_count)),
            count_or_empty(model.unit_count),
        ]
    });
    Sheet {
        name: "Mô hình",
        title: title(report, "Mô hình tự quản về an ninh, trật tự"),
        as_of: report.as_of,
        headers: &MODEL_HEADERS,
        rows: rows.collect(),
        totals: None,
    }
}

const AWARD_HEADERS: [&str; 7] =
    ["Số quyết định", "Ngày quyết định", "Cấp khen thưởng", "Hình thức", "Tổ dân phố", "Cá nhân", "Nội dung"];

pub(super) fn awards<'a>(report: &'a YearReport, names: &HashMap<Uuid, &'a str>) -> Sheet<'a> {
    let rows = report.awards.iter().map(|award| {
        vec![
            Value::Text(&award.decision_number),
            Value::Date(award.decision_date),
            Value::Text(labels::issuer(award.issuer, award.issuer_name.as_deref())),
            Value::Text(labels::recipient(award.recipient_kind)),
            Value::Text(group_of(names, award.group_id)),
            text_or_empty(award.recipient_name.as_deref()),
            Value::Text(&award.citation),
        ]
    });
    Sheet {
        name: "Khen thưởng",
        title: title(report, "Khen thưởng"),
        as_of: report.as_of,
        headers: &AWARD_HEADERS,
        rows: rows.collect(),
        totals: None,
    }
}

const EVENT_HEADERS: [&str; 5] =
    ["Ngày tổ chức", "Loại sự kiện", "Tên sự kiện", "Tổ dân phố chủ trì", "Số người tham dự"];

pub(super) fn events<'a>(report: &'a YearReport, names: &HashMap<Uuid, &'a str>) -> Sheet<'a> {
    let rows = report.events.iter().map(|event| {
        vec![
            Value::Date(event.held_on),
            Value::Text(labels::event(event.kind)),
            Value::Text(&event.title),
            Value::Text(group_of(names, event.group_id)),
            count_or_empty(event.attendance),
        ]
    });
    Sheet {
        name: "Sự kiện",
        title: title(report, "Ngày hội, diễn đàn và sự kiện"),
        as_of: report.as_of,
        headers: &EVENT_HEADERS,
        rows: rows.collect(),
        totals: None,
    }
}
