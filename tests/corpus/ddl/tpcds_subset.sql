-- A TPC-DS subset: dimensions with surrogate keys, fact tables with composite primary keys.
create table date_dim
(
    d_date_sk                 integer               not null,
    d_date_id                 char(16)              not null,
    d_date                    date                          ,
    d_year                    integer                       ,
    d_day_name                char(9)                       ,
    d_holiday                 char(1)                       ,
    primary key (d_date_sk)
);
create table item
(
    i_item_sk                 integer               not null,
    i_item_id                 char(16)              not null,
    i_item_desc               varchar(200)                  ,
    i_current_price           decimal(7,2)                  ,
    i_category                char(50)                      ,
    primary key (i_item_sk)
);
create table customer
(
    c_customer_sk             integer               not null,
    c_customer_id             char(16)              not null,
    c_first_name              char(20)                      ,
    c_last_name               char(30)                      ,
    c_email_address           char(50)                      ,
    c_first_sales_date_sk     integer                       ,
    primary key (c_customer_sk)
);
create table store
(
    s_store_sk                integer               not null,
    s_store_id                char(16)              not null,
    s_store_name              varchar(50)                   ,
    s_city                    varchar(60)                   ,
    s_state                   char(2)                       ,
    s_zip                     char(10)                      ,
    primary key (s_store_sk)
);
create table store_sales
(
    ss_sold_date_sk           integer                       ,
    ss_item_sk                integer               not null,
    ss_customer_sk            integer                       ,
    ss_store_sk               integer                       ,
    ss_ticket_number          bigint                not null,
    ss_quantity               integer                       ,
    ss_sales_price            decimal(7,2)                  ,
    ss_net_profit             decimal(7,2)                  ,
    primary key (ss_item_sk, ss_ticket_number)
);
create table store_returns
(
    sr_returned_date_sk       integer                       ,
    sr_item_sk                integer               not null,
    sr_customer_sk            integer                       ,
    sr_ticket_number          bigint                not null,
    sr_return_quantity        integer                       ,
    sr_return_amt             decimal(7,2)                  ,
    primary key (sr_item_sk, sr_ticket_number)
);
alter table customer add constraint c_fsd foreign key (c_first_sales_date_sk) references date_dim (d_date_sk);
alter table store_sales add constraint ss_d foreign key (ss_sold_date_sk) references date_dim (d_date_sk);
alter table store_sales add constraint ss_i foreign key (ss_item_sk) references item (i_item_sk);
alter table store_sales add constraint ss_c foreign key (ss_customer_sk) references customer (c_customer_sk);
alter table store_sales add constraint ss_s foreign key (ss_store_sk) references store (s_store_sk);
alter table store_returns add constraint sr_ret_d foreign key (sr_returned_date_sk) references date_dim (d_date_sk);
alter table store_returns add constraint sr_c foreign key (sr_customer_sk) references customer (c_customer_sk);
alter table store_returns add constraint sr_ss foreign key (sr_item_sk, sr_ticket_number) references store_sales (ss_item_sk, ss_ticket_number);
alter table store_returns add constraint sr_w foreign key (sr_item_sk) references web_page (wp_web_page_sk);
