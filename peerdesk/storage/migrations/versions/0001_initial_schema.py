"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=60), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('table_name', sa.String(length=60), nullable=True),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('fields', sa.Text(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=True),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_record', ['table_name', 'record_id'], unique=False)

    op.create_table('cohort',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_cohort_end_after_start')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort')),
    sa.UniqueConstraint('name', name=op.f('uq_cohort_name'))
    )
    op.create_table('instrument',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_sv', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('scale_min', sa.Integer(), nullable=False),
    sa.Column('scale_max', sa.Integer(), nullable=False),
    sa.Column('good_end', sa.String(length=8), nullable=False),
    sa.Column('anchor_low_sv', sa.String(length=200), nullable=True),
    sa.Column('anchor_low_en', sa.String(length=200), nullable=True),
    sa.Column('anchor_high_sv', sa.String(length=200), nullable=True),
    sa.Column('anchor_high_en', sa.String(length=200), nullable=True),
    sa.Column('anchor_extra_sv', sa.String(length=200), nullable=True),
    sa.Column('anchor_extra_en', sa.String(length=200), nullable=True),
    sa.Column('extra_value', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('scale_max > scale_min', name=op.f('ck_instrument_scale_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument')),
    sa.UniqueConstraint('code', name=op.f('uq_instrument_code'))
    )
    op.create_table('manager',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_manager_name_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manager'))
    )
    op.create_table('quote_theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_sv', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quote_theme')),
    sa.UniqueConstraint('name_sv', name=op.f('uq_quote_theme_name_sv'))
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('study',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('contact', sa.String(length=300), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('scope_interviews', sa.Boolean(), nullable=False),
    sa.Column('scope_focus_groups', sa.Boolean(), nullable=False),
    sa.Column('scope_questionnaires', sa.Boolean(), nullable=False),
    sa.Column('consent_text_sv', sa.Text(), nullable=True),
    sa.Column('consent_text_en', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_study_end_after_start')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study')),
    sa.UniqueConstraint('name', name=op.f('uq_study_name'))
    )
    op.create_table('supervision_topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_sv', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('active', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_topic')),
    sa.UniqueConstraint('name_sv', name=op.f('uq_supervision_topic_name_sv'))
    )
    op.create_table('workplace',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('inpatient', 'outpatient', 'municipal', name='workplace_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('specialty', sa.String(length=120), nullable=True),
    sa.Column('region', sa.String(length=100), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('contact_name', sa.String(length=200), nullable=True),
    sa.Column('contact_phone', sa.String(length=40), nullable=True),
    sa.Column('contact_email', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_workplace_name_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workplace'))
    )
    op.create_table('app_user_role',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('administrator', 'coordinator', 'supervisor', 'evaluator', name='role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_app_user_role_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_app_user_role'))
    )
    op.create_table('briefing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workplace_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('briefing', 'follow_up', name='contact_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('held_by_id', sa.Integer(), nullable=True),
    sa.Column('staff_count', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('staff_count >= 0', name=op.f('ck_briefing_staff_count_not_negative')),
    sa.ForeignKeyConstraint(['held_by_id'], ['app_user.id'], name=op.f('fk_briefing_held_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workplace_id'], ['workplace.id'], name=op.f('fk_briefing_workplace_id_workplace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_briefing'))
    )
    with op.batch_alter_table('briefing', schema=None) as batch_op:
        batch_op.create_index('ix_briefing_workplace_date', ['workplace_id', 'held_on'], unique=False)

    op.create_table('checkin_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('led_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['led_by_id'], ['app_user.id'], name=op.f('fk_checkin_meeting_led_by_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_meeting'))
    )
    with op.batch_alter_table('checkin_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_meeting_held_on'), ['held_on'], unique=False)

    op.create_table('evaluation_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'collecting', 'analysing', 'reported', name='round_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_evaluation_round_end_after_start')),
    sa.ForeignKeyConstraint(['study_id'], ['study.id'], name=op.f('fk_evaluation_round_study_id_study'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_round')),
    sa.UniqueConstraint('number', name=op.f('uq_evaluation_round_number'))
    )
    with op.batch_alter_table('evaluation_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_round_study_id'), ['study_id'], unique=False)

    op.create_table('instrument_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text_sv', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('open_ended', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id'], ['instrument.id'], name=op.f('fk_instrument_item_instrument_id_instrument'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument_item')),
    sa.UniqueConstraint('instrument_id', 'number', name=op.f('uq_instrument_item_instrument_id_number'))
    )
    op.create_table('manager_tenure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workplace_id', sa.Integer(), nullable=False),
    sa.Column('manager_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('acting', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_manager_tenure_end_after_start')),
    sa.ForeignKeyConstraint(['manager_id'], ['manager.id'], name=op.f('fk_manager_tenure_manager_id_manager'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['workplace_id'], ['workplace.id'], name=op.f('fk_manager_tenure_workplace_id_workplace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manager_tenure'))
    )
    with op.batch_alter_table('manager_tenure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_manager_tenure_manager_id'), ['manager_id'], unique=False)
        batch_op.create_index('ix_manager_tenure_workplace_start', ['workplace_id', 'start_date'], unique=False)

    op.create_table('peer_supporter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('personal_number', sa.String(length=13), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('region', sa.String(length=100), nullable=True),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('certified_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('in_training', 'certified', 'placed', 'left', name='peer_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('left_reason', sa.String(length=300), nullable=True),
    sa.Column('supervisor_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("status <> 'left' OR left_on IS NOT NULL", name=op.f('ck_peer_supporter_left_has_date')),
    sa.CheckConstraint('length(first_name) > 0 AND length(last_name) > 0', name=op.f('ck_peer_supporter_name_not_empty')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_peer_supporter_cohort_id_cohort'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['supervisor_id'], ['app_user.id'], name=op.f('fk_peer_supporter_supervisor_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_supporter')),
    sa.UniqueConstraint('personal_number', name=op.f('uq_peer_supporter_personal_number'))
    )
    with op.batch_alter_table('peer_supporter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_supporter_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_supporter_supervisor_id'), ['supervisor_id'], unique=False)

    op.create_table('supervision_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('form', sa.Enum('individual', 'group', 'phone', 'video', name='session_form', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('duration_minutes > 0 AND duration_minutes <= 600', name=op.f('ck_supervision_session_duration_range')),
    sa.ForeignKeyConstraint(['supervisor_id'], ['app_user.id'], name=op.f('fk_supervision_session_supervisor_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_session'))
    )
    with op.batch_alter_table('supervision_session', schema=None) as batch_op:
        batch_op.create_index('ix_supervision_session_held_on', ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_session_supervisor_id'), ['supervisor_id'], unique=False)

    op.create_table('briefing_attendee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('briefing_id', sa.Integer(), nullable=False),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('role', sa.String(length=120), nullable=True),
    sa.CheckConstraint('manager_id IS NOT NULL OR name IS NOT NULL', name=op.f('ck_briefing_attendee_who')),
    sa.ForeignKeyConstraint(['briefing_id'], ['briefing.id'], name=op.f('fk_briefing_attendee_briefing_id_briefing'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['manager_id'], ['manager.id'], name=op.f('fk_briefing_attendee_manager_id_manager'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_briefing_attendee'))
    )
    with op.batch_alter_table('briefing_attendee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_briefing_attendee_briefing_id'), ['briefing_id'], unique=False)
        batch_op.create_index('ix_briefing_attendee_manager', ['manager_id', 'briefing_id'], unique=False)

    op.create_table('checkin_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('peer_supporter_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('present', 'excused', 'absent', name='attendance_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['checkin_meeting.id'], name=op.f('fk_checkin_attendance_meeting_id_checkin_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['peer_supporter_id'], ['peer_supporter.id'], name=op.f('fk_checkin_attendance_peer_supporter_id_peer_supporter'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_attendance')),
    sa.UniqueConstraint('meeting_id', 'peer_supporter_id', name=op.f('uq_checkin_attendance_meeting_id_peer_supporter_id'))
    )
    with op.batch_alter_table('checkin_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_attendance_peer_supporter_id'), ['peer_supporter_id'], unique=False)

    op.create_table('consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('informant_role', sa.Enum('peer_supporter', 'staff', 'manager', 'patient', name='informant_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('peer_supporter_id', sa.Integer(), nullable=True),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('informant_code', sa.String(length=40), nullable=True),
    sa.Column('informant_name', sa.String(length=200), nullable=True),
    sa.Column('workplace_id', sa.Integer(), nullable=True),
    sa.Column('form_number', sa.String(length=40), nullable=True),
    sa.Column('scope_interviews', sa.Boolean(), nullable=False),
    sa.Column('scope_focus_groups', sa.Boolean(), nullable=False),
    sa.Column('scope_questionnaires', sa.Boolean(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('received_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('withdrawal_reason', sa.String(length=300), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("(informant_role = 'peer_supporter' AND peer_supporter_id IS NOT NULL) OR (informant_role = 'manager' AND manager_id IS NOT NULL) OR (informant_role IN ('staff', 'patient') AND (informant_code IS NOT NULL OR informant_name IS NOT NULL))", name=op.f('ck_consent_informant_identified')),
    sa.CheckConstraint('valid_until IS NULL OR signed_on IS NULL OR valid_until >= signed_on', name=op.f('ck_consent_valid_after_signed')),
    sa.CheckConstraint('withdrawn_on IS NULL OR signed_on IS NULL OR withdrawn_on >= signed_on', name=op.f('ck_consent_withdrawn_after_signed')),
    sa.ForeignKeyConstraint(['manager_id'], ['manager.id'], name=op.f('fk_consent_manager_id_manager'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['peer_supporter_id'], ['peer_supporter.id'], name=op.f('fk_consent_peer_supporter_id_peer_supporter'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['received_by_id'], ['app_user.id'], name=op.f('fk_consent_received_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['study_id'], ['study.id'], name=op.f('fk_consent_study_id_study'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['workplace_id'], ['workplace.id'], name=op.f('fk_consent_workplace_id_workplace'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent')),
    sa.UniqueConstraint('form_number', name=op.f('uq_consent_form_number'))
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_manager_id'), ['manager_id'], unique=False)
        batch_op.create_index('ix_consent_peer', ['peer_supporter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_study_id'), ['study_id'], unique=False)
        batch_op.create_index('ix_consent_valid_until', ['valid_until'], unique=False)

    op.create_table('contract_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('peer_supporter_id', sa.Integer(), nullable=False),
    sa.Column('employer', sa.String(length=200), nullable=False),
    sa.Column('form', sa.Enum('fixed_term', 'permanent', name='employment_form', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('extent_percent', sa.Integer(), nullable=False),
    sa.Column('funding_source', sa.String(length=200), nullable=True),
    sa.Column('continuation_informed', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("form <> 'fixed_term' OR end_date IS NOT NULL", name=op.f('ck_contract_period_fixed_term_has_end')),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_contract_period_end_after_start')),
    sa.CheckConstraint('extent_percent > 0 AND extent_percent <= 100', name=op.f('ck_contract_period_extent_range')),
    sa.ForeignKeyConstraint(['peer_supporter_id'], ['peer_supporter.id'], name=op.f('fk_contract_period_peer_supporter_id_peer_supporter'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_period'))
    )
    with op.batch_alter_table('contract_period', schema=None) as batch_op:
        batch_op.create_index('ix_contract_period_end', ['end_date'], unique=False)
        batch_op.create_index('ix_contract_period_peer_start', ['peer_supporter_id', 'start_date'], unique=False)

    op.create_table('placement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('peer_supporter_id', sa.Integer(), nullable=False),
    sa.Column('workplace_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('extent_percent', sa.Integer(), nullable=False),
    sa.Column('intro_end', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_placement_end_after_start')),
    sa.CheckConstraint('extent_percent > 0 AND extent_percent <= 100', name=op.f('ck_placement_extent_range')),
    sa.CheckConstraint('intro_end IS NULL OR intro_end >= start_date', name=op.f('ck_placement_intro_after_start')),
    sa.ForeignKeyConstraint(['peer_supporter_id'], ['peer_supporter.id'], name=op.f('fk_placement_peer_supporter_id_peer_supporter'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workplace_id'], ['workplace.id'], name=op.f('fk_placement_workplace_id_workplace'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement'))
    )
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.create_index('ix_placement_peer_start', ['peer_supporter_id', 'start_date'], unique=False)
        batch_op.create_index('ix_placement_workplace', ['workplace_id'], unique=False)

    op.create_table('round_workplace',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('workplace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['evaluation_round.id'], name=op.f('fk_round_workplace_round_id_evaluation_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workplace_id'], ['workplace.id'], name=op.f('fk_round_workplace_workplace_id_workplace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'workplace_id', name=op.f('pk_round_workplace'))
    )
    op.create_table('supervision_participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('peer_supporter_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['peer_supporter_id'], ['peer_supporter.id'], name=op.f('fk_supervision_participant_peer_supporter_id_peer_supporter'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['supervision_session.id'], name=op.f('fk_supervision_participant_session_id_supervision_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_participant')),
    sa.UniqueConstraint('session_id', 'peer_supporter_id', name=op.f('uq_supervision_participant_session_id_peer_supporter_id'))
    )
    with op.batch_alter_table('supervision_participant', schema=None) as batch_op:
        batch_op.create_index('ix_supervision_participant_peer_date', ['peer_supporter_id', 'held_on'], unique=False)

    op.create_table('supervision_session_topic',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['supervision_session.id'], name=op.f('fk_supervision_session_topic_session_id_supervision_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['supervision_topic.id'], name=op.f('fk_supervision_session_topic_topic_id_supervision_topic'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('session_id', 'topic_id', name=op.f('pk_supervision_session_topic'))
    )
    op.create_table('interview',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('individual', 'group', name='interview_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('informant_role', sa.Enum('peer_supporter', 'staff', 'manager', 'patient', name='interview_informant_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('workplace_id', sa.Integer(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('participants >= 1', name=op.f('ck_interview_participants_positive')),
    sa.ForeignKeyConstraint(['consent_id'], ['consent.id'], name=op.f('fk_interview_consent_id_consent'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['evaluation_round.id'], name=op.f('fk_interview_round_id_evaluation_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workplace_id'], ['workplace.id'], name=op.f('fk_interview_workplace_id_workplace'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interview'))
    )
    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_round_id'), ['round_id'], unique=False)

    op.create_table('questionnaire_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('respondent_code', sa.String(length=40), nullable=False),
    sa.Column('informant_role', sa.Enum('peer_supporter', 'staff', 'manager', 'patient', name='response_informant_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('workplace_id', sa.Integer(), nullable=True),
    sa.Column('consent_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['consent_id'], ['consent.id'], name=op.f('fk_questionnaire_response_consent_id_consent'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['instrument_id'], ['instrument.id'], name=op.f('fk_questionnaire_response_instrument_id_instrument'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['round_id'], ['evaluation_round.id'], name=op.f('fk_questionnaire_response_round_id_evaluation_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workplace_id'], ['workplace.id'], name=op.f('fk_questionnaire_response_workplace_id_workplace'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_response')),
    sa.UniqueConstraint('round_id', 'instrument_id', 'respondent_code', name=op.f('uq_questionnaire_response_round_id_instrument_id_respondent_code'))
    )
    with op.batch_alter_table('questionnaire_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_response_consent_id'), ['consent_id'], unique=False)
        batch_op.create_index('ix_questionnaire_response_round', ['round_id', 'instrument_id'], unique=False)

    op.create_table('answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['instrument_item.id'], name=op.f('fk_answer_item_id_instrument_item'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['response_id'], ['questionnaire_response.id'], name=op.f('fk_answer_response_id_questionnaire_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer')),
    sa.UniqueConstraint('response_id', 'item_id', name=op.f('uq_answer_response_id_item_id'))
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_item_id'), ['item_id'], unique=False)

    op.create_table('quote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('informant_role', sa.Enum('peer_supporter', 'staff', 'manager', 'patient', name='quote_informant_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('interview_id', sa.Integer(), nullable=True),
    sa.Column('consent_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'approved', name='quote_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['consent_id'], ['consent.id'], name=op.f('fk_quote_consent_id_consent'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['interview_id'], ['interview.id'], name=op.f('fk_quote_interview_id_interview'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['evaluation_round.id'], name=op.f('fk_quote_round_id_evaluation_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['quote_theme.id'], name=op.f('fk_quote_theme_id_quote_theme'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quote'))
    )
    with op.batch_alter_table('quote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quote_consent_id'), ['consent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quote_round_id'), ['round_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('quote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quote_round_id'))
        batch_op.drop_index(batch_op.f('ix_quote_consent_id'))

    op.drop_table('quote')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_item_id'))

    op.drop_table('answer')
    with op.batch_alter_table('questionnaire_response', schema=None) as batch_op:
        batch_op.drop_index('ix_questionnaire_response_round')
        batch_op.drop_index(batch_op.f('ix_questionnaire_response_consent_id'))

    op.drop_table('questionnaire_response')
    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_round_id'))

    op.drop_table('interview')
    op.drop_table('supervision_session_topic')
    with op.batch_alter_table('supervision_participant', schema=None) as batch_op:
        batch_op.drop_index('ix_supervision_participant_peer_date')

    op.drop_table('supervision_participant')
    op.drop_table('round_workplace')
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.drop_index('ix_placement_workplace')
        batch_op.drop_index('ix_placement_peer_start')

    op.drop_table('placement')
    with op.batch_alter_table('contract_period', schema=None) as batch_op:
        batch_op.drop_index('ix_contract_period_peer_start')
        batch_op.drop_index('ix_contract_period_end')

    op.drop_table('contract_period')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_valid_until')
        batch_op.drop_index(batch_op.f('ix_consent_study_id'))
        batch_op.drop_index('ix_consent_peer')
        batch_op.drop_index(batch_op.f('ix_consent_manager_id'))

    op.drop_table('consent')
    with op.batch_alter_table('checkin_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkin_attendance_peer_supporter_id'))

    op.drop_table('checkin_attendance')
    with op.batch_alter_table('briefing_attendee', schema=None) as batch_op:
        batch_op.drop_index('ix_briefing_attendee_manager')
        batch_op.drop_index(batch_op.f('ix_briefing_attendee_briefing_id'))

    op.drop_table('briefing_attendee')
    with op.batch_alter_table('supervision_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_session_supervisor_id'))
        batch_op.drop_index('ix_supervision_session_held_on')

    op.drop_table('supervision_session')
    with op.batch_alter_table('peer_supporter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_supporter_supervisor_id'))
        batch_op.drop_index(batch_op.f('ix_peer_supporter_cohort_id'))

    op.drop_table('peer_supporter')
    with op.batch_alter_table('manager_tenure', schema=None) as batch_op:
        batch_op.drop_index('ix_manager_tenure_workplace_start')
        batch_op.drop_index(batch_op.f('ix_manager_tenure_manager_id'))

    op.drop_table('manager_tenure')
    op.drop_table('instrument_item')
    with op.batch_alter_table('evaluation_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_round_study_id'))

    op.drop_table('evaluation_round')
    with op.batch_alter_table('checkin_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkin_meeting_held_on'))

    op.drop_table('checkin_meeting')
    with op.batch_alter_table('briefing', schema=None) as batch_op:
        batch_op.drop_index('ix_briefing_workplace_date')

    op.drop_table('briefing')
    op.drop_table('app_user_role')
    op.drop_table('workplace')
    op.drop_table('supervision_topic')
    op.drop_table('study')
    op.drop_table('setting')
    op.drop_table('quote_theme')
    op.drop_table('manager')
    op.drop_table('instrument')
    op.drop_table('cohort')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_record')

    op.drop_table('audit_event')
    op.drop_table('app_user')
