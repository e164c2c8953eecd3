-- TICKIT-style sample schema, Redshift flavour, with the physical options AWS documents.
CREATE SCHEMA IF NOT EXISTS tickit;
SET search_path TO tickit;

create table users(
	userid integer not null distkey sortkey,
	username char(8),
	firstname varchar(30),
	lastname varchar(30),
	city varchar(30),
	state char(2),
	email varchar(100),
	phone char(14),
	likesports boolean,
	liketheatre boolean,
	likeconcerts boolean,
	likejazz boolean,
	likeclassical boolean,
	likeopera boolean,
	likerock boolean,
	likevegas boolean,
	likebroadway boolean,
	likemusicals boolean,
	primary key (userid));

create table venue(
	venueid smallint not null distkey sortkey,
	venuename varchar(100) encode zstd,
	venuecity varchar(30) encode zstd,
	venuestate char(2),
	venueseats integer,
	primary key (venueid))
backup no;

create table category(
	catid smallint not null identity(1, 1),
	catgroup varchar(10),
	catname varchar(10),
	catdesc varchar(50),
	primary key (catid))
diststyle all;

create table date(
	dateid smallint not null distkey sortkey,
	caldate date not null,
	day character(3) not null,
	week smallint not null,
	month character(5) not null,
	qtr character(5) not null,
	year smallint not null,
	holiday boolean default('N'),
	primary key (dateid));

create table event(
	eventid integer not null distkey,
	venueid smallint not null,
	catid smallint not null,
	dateid smallint not null sortkey,
	eventname varchar(200),
	starttime timestamp,
	primary key (eventid),
	foreign key (venueid) references venue (venueid),
	foreign key (catid) references category,
	foreign key (dateid) references date (dateid));

create table listing(
	listid integer not null distkey,
	sellerid integer not null,
	eventid integer not null,
	dateid smallint not null,
	numtickets smallint not null encode az64,
	priceperticket decimal(8,2),
	totalprice decimal(8,2),
	listtime timestamp,
	primary key (listid),
	foreign key fk_listing_seller (sellerid) references users,
	foreign key (eventid) references event (eventid),
	foreign key (dateid) references date (dateid))
interleaved sortkey (dateid, listtime);

create table sales(
	salesid integer not null identity(1, 1) encode raw,
	listid integer not null distkey,
	sellerid integer not null,
	buyerid integer not null,
	eventid integer not null,
	dateid smallint not null,
	qtysold smallint not null,
	pricepaid decimal(8,2),
	commission decimal(8,2),
	saletime timestamp,
	note varchar(max),
	payload super,
	primary key (salesid))
diststyle key distkey (listid) compound sortkey (dateid, saletime);

create table if not exists tickit.staging_sales (
	salesid integer,
	loaded_at timestamp default getdate()
) sortkey auto encode auto;

alter table sales add constraint fk_sales_listing foreign key (listid) references listing (listid);
alter table sales add foreign key fk_sales_buyer (buyerid) references users;
alter table sales add foreign key (eventid) references event (eventid);
alter table sales add foreign key (dateid) references date;
alter table sales add foreign key (sellerid) references users (userid);

create view tickit.v_sales as select * from sales;
grant select on all tables in schema tickit to group analysts;
